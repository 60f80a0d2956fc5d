-- tenantguard:ignore-file rls-disabled,tenant-column-unindexed reporting tables, read only through the reporting role
-- tenantguard:ignore-file table-unclassified -- needs a reason
CREATE TABLE report_daily (org_id uuid NOT NULL, day date NOT NULL, total numeric);
CREATE TABLE report_monthly (org_id uuid NOT NULL, month date NOT NULL, total numeric);
