CREATE TABLE organizations (id uuid NOT NULL, name text NOT NULL);
-- The tenant root is recognised by the foreign keys that point at it,
-- added after the fact as pg_dump and ORMs do.
ALTER TABLE ONLY organizations ADD CONSTRAINT organizations_pkey PRIMARY KEY (id);

CREATE TABLE projects (id uuid NOT NULL, organization_id uuid NOT NULL, name text);
ALTER TABLE ONLY projects ADD CONSTRAINT projects_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY projects
    ADD CONSTRAINT projects_org_fkey FOREIGN KEY (organization_id) REFERENCES organizations (id);

CREATE TABLE tasks (id uuid NOT NULL, organization_id uuid NOT NULL, project_id uuid NOT NULL);
ALTER TABLE tasks ADD CONSTRAINT tasks_pkey PRIMARY KEY (id);
ALTER TABLE tasks ADD CONSTRAINT tasks_org_fkey FOREIGN KEY (organization_id) REFERENCES organizations (id);

CREATE TABLE labels (id uuid PRIMARY KEY, organization_id uuid NOT NULL REFERENCES organizations (id), name text);

ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE projects FORCE ROW LEVEL SECURITY;
ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE tasks FORCE ROW LEVEL SECURITY;
ALTER TABLE labels ENABLE ROW LEVEL SECURITY;
ALTER TABLE labels FORCE ROW LEVEL SECURITY;
CREATE POLICY projects_tenant ON projects USING (organization_id = current_setting('app.org')::uuid);
CREATE POLICY tasks_tenant ON tasks USING (organization_id = current_setting('app.org')::uuid);
CREATE POLICY labels_tenant ON labels USING (organization_id = current_setting('app.org')::uuid);
