CREATE SCHEMA app;
SET search_path TO app, public;

-- Unqualified names resolve through the search path: these are app.orgs
-- and app.tasks.
CREATE TABLE orgs (id uuid PRIMARY KEY, name text NOT NULL);
CREATE TABLE tasks (
    id     uuid PRIMARY KEY,
    org_id uuid NOT NULL REFERENCES orgs (id),
    title  text NOT NULL
);
CREATE INDEX ON tasks (org_id);
ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE tasks FORCE ROW LEVEL SECURITY;
CREATE POLICY tasks_tenant ON tasks USING (org_id = current_setting('app.org_id')::uuid);
