CREATE TABLE projects (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      uuid NOT NULL REFERENCES organizations (id),
    name        text NOT NULL,
    archived    boolean NOT NULL DEFAULT false
);
CREATE INDEX projects_org_id_idx ON projects (org_id);
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE projects FORCE ROW LEVEL SECURITY;
CREATE POLICY projects_tenant ON projects
    USING (org_id = current_setting('app.current_tenant')::uuid)
    WITH CHECK (org_id = current_setting('app.current_tenant')::uuid);

CREATE TABLE tasks (
    id          bigint GENERATED ALWAYS AS IDENTITY,
    org_id      uuid NOT NULL REFERENCES organizations (id),
    project_id  bigint NOT NULL REFERENCES projects (id),
    title       text NOT NULL,
    done        boolean NOT NULL DEFAULT false,
    PRIMARY KEY (org_id, id)
);
ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE tasks FORCE ROW LEVEL SECURITY;
CREATE POLICY tasks_tenant ON tasks
    USING (org_id = current_setting('app.current_tenant')::uuid)
    WITH CHECK (org_id = current_setting('app.current_tenant')::uuid);
