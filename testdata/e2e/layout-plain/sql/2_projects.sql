CREATE TABLE projects (
    id     uuid PRIMARY KEY,
    org_id uuid NOT NULL REFERENCES orgs (id),
    name   text NOT NULL
);
CREATE INDEX projects_org_id_idx ON projects (org_id);
