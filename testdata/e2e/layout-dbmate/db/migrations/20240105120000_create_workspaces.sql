-- migrate:up
CREATE TABLE workspaces (
    id   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL
);

CREATE TABLE documents (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id uuid NOT NULL REFERENCES workspaces (id),
    title        text NOT NULL
);
CREATE INDEX documents_workspace_id_idx ON documents (workspace_id);
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE documents FORCE ROW LEVEL SECURITY;
CREATE POLICY documents_tenant ON documents
    USING (workspace_id = current_setting('app.workspace_id')::uuid);

-- migrate:down
DROP TABLE documents;
DROP TABLE workspaces;
