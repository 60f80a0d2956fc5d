-- migrate:up
-- Mistake: RLS enabled, never forced.
CREATE TABLE document_comments (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id uuid NOT NULL REFERENCES workspaces (id),
    document_id  uuid NOT NULL REFERENCES documents (id),
    body         text NOT NULL
);
CREATE INDEX ON document_comments (workspace_id, document_id);
ALTER TABLE document_comments ENABLE ROW LEVEL SECURITY;
CREATE POLICY document_comments_tenant ON document_comments
    USING (workspace_id = current_setting('app.workspace_id')::uuid);

-- migrate:down
DROP TABLE document_comments;
