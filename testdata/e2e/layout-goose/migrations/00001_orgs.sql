-- +goose Up
CREATE TABLE orgs (
    id   bigserial PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE projects (
    id     bigserial PRIMARY KEY,
    org_id bigint NOT NULL REFERENCES orgs (id),
    name   text NOT NULL
);
CREATE INDEX projects_org_id_idx ON projects (org_id);
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE projects FORCE ROW LEVEL SECURITY;
CREATE POLICY projects_tenant ON projects
    USING (org_id = current_setting('app.org_id')::bigint);

-- +goose Down
DROP TABLE projects;
DROP TABLE orgs;
