CREATE TABLE orgs (id uuid PRIMARY KEY, name text NOT NULL);

CREATE TABLE projects (
    id     uuid PRIMARY KEY,
    org_id uuid NOT NULL REFERENCES orgs (id)
);
CREATE INDEX projects_org_id_idx ON projects (org_id);
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE projects FORCE ROW LEVEL SECURITY;
CREATE POLICY projects_tenant ON projects USING (org_id = current_setting('app.org_id')::uuid);

-- Not tenant-scoped yet: the owning org is called owner_org.
CREATE TABLE documents (
    id        uuid PRIMARY KEY,
    owner_org uuid NOT NULL,
    body      text
);
CREATE INDEX documents_owner_org_idx ON documents (owner_org);

CREATE TABLE notes (
    id     uuid PRIMARY KEY,
    org_id uuid NOT NULL REFERENCES orgs (id)
);
CREATE INDEX ON notes (org_id);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE notes FORCE ROW LEVEL SECURITY;
CREATE POLICY notes_tenant ON notes USING (org_id = current_setting('app.org_id')::uuid);
