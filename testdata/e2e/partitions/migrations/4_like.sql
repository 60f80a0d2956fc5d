-- LIKE copies the columns (so the tenant column), never RLS or policies.
-- INCLUDING INDEXES copies the index on tenant_id.
CREATE TABLE notes_archive (LIKE notes INCLUDING INDEXES, archived_at timestamptz);
ALTER TABLE notes_archive ENABLE ROW LEVEL SECURITY;
ALTER TABLE notes_archive FORCE ROW LEVEL SECURITY;
CREATE POLICY notes_archive_tenant ON notes_archive USING (tenant_id = current_setting('app.tenant_id')::uuid);

-- Without INCLUDING INDEXES: no index on tenant_id, and no RLS.
CREATE TABLE notes_scratch (LIKE notes);
