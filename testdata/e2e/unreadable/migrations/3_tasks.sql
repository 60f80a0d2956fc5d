CREATE TABLE tasks (org_id uuid NOT NULL REFERENCES orgs (id), title text);
CREATE INDEX ON tasks (org_id);
ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE tasks FORCE ROW LEVEL SECURITY;
CREATE POLICY tasks_tenant ON tasks USING (org_id = current_setting('app.org_id')::uuid);
