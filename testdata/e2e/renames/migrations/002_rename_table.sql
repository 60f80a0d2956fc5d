-- A table rename keeps its row level security, policies and indexes.
ALTER TABLE projects RENAME TO workspaces;
ALTER INDEX projects_org_id_idx RENAME TO workspaces_org_id_idx;
