-- Ignore comments that do not work are findings themselves (bad-ignore).
CREATE TABLE invoices (org_id uuid NOT NULL REFERENCES orgs (id)); -- tenantguard:ignore rls-disabled
-- tenantguard:ignore rls-disbled typo in the rule name
CREATE TABLE payments (org_id uuid NOT NULL REFERENCES orgs (id));
-- tenantguard:ignore
CREATE TABLE refunds (id int);
CREATE TABLE plans (id text PRIMARY KEY); -- tenantguard:ignore rls-disabled plans has no tenant column
-- tenantguard:ignore bad-ignore nice try
CREATE INDEX ON invoices (org_id);
CREATE INDEX ON payments (org_id);
