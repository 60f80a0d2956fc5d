CREATE TABLE orgs (id uuid PRIMARY KEY);

-- tenantguard:ignore rls-disabled written only by a trigger as the owner; no role can read it
CREATE TABLE audit_log (
    org_id uuid NOT NULL REFERENCES orgs (id),
    line   text NOT NULL
);
CREATE INDEX ON audit_log (org_id);

CREATE TABLE scratch (org_id uuid); -- tenantguard:ignore rls-disabled,tenant-column-unindexed,tenant-column-nullable dropped in 0042

CREATE TABLE jobs (org_id uuid NOT NULL REFERENCES orgs (id), payload jsonb);
CREATE INDEX ON jobs (org_id);
CREATE POLICY jobs_tenant ON jobs USING (org_id = current_setting('app.org_id')::uuid);
-- Stacked comment lines above a statement all apply to it:
-- tenantguard:ignore rls-not-forced the worker connects as a role that is not the owner
-- (see docs/roles.md)
ALTER TABLE jobs ENABLE ROW LEVEL SECURITY;
