-- Renamed INTO the tenant column name: documents becomes a tenant table,
-- and it never enabled row level security. Its index follows the column.
ALTER TABLE documents RENAME COLUMN owner_org TO org_id;
