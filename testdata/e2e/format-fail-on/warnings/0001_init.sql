-- Only a warning and an info: --fail-on decides whether this run fails.
CREATE TABLE orgs (id uuid PRIMARY KEY);

CREATE TABLE projects (
  id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id uuid REFERENCES orgs (id),
  name   text NOT NULL
);
CREATE INDEX projects_org_id ON projects (org_id);
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE projects FORCE ROW LEVEL SECURITY;
CREATE POLICY projects_tenant ON projects
  USING (org_id = current_setting('app.current_tenant')::uuid)
  WITH CHECK (org_id = current_setting('app.current_tenant')::uuid);

CREATE TABLE feature_flags (name text PRIMARY KEY, enabled boolean NOT NULL);
