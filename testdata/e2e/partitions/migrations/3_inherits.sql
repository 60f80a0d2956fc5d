-- Old-style inheritance: the child is a table of its own, with the
-- parent's columns (tenant_id included) and without the parent's RLS.
CREATE TABLE notes (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    body      text NOT NULL
);
CREATE INDEX notes_tenant_idx ON notes (tenant_id);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE notes FORCE ROW LEVEL SECURITY;
CREATE POLICY notes_tenant ON notes USING (tenant_id = current_setting('app.tenant_id')::uuid);

CREATE TABLE pinned_notes (pinned_at timestamptz NOT NULL) INHERITS (notes);
