-- Renamed OUT OF the tenant column name: notes is no longer recognised as
-- tenant-scoped (table-unclassified says so).
ALTER TABLE notes RENAME COLUMN org_id TO legacy_org;
-- And a rename of a table that no longer exists under that name:
-- tolerated (a note with --verbose).
ALTER TABLE projects RENAME COLUMN org_id TO tenant_id;
