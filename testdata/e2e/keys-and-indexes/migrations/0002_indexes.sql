-- projects is covered by its primary key (organization_id, id).
-- tasks: an index that leads with the tenant column, built without locks;
-- running the migration twice is safe.
CREATE INDEX CONCURRENTLY IF NOT EXISTS tasks_org_project_idx ON tasks (organization_id, project_id);
CREATE INDEX CONCURRENTLY IF NOT EXISTS tasks_org_project_idx ON tasks (project_id);

-- labels: a tenant index that a later migration drops, and one that does
-- not lead with the tenant column, and a partial one: not enough.
CREATE INDEX labels_org_idx ON labels (organization_id);
CREATE INDEX labels_name_org_idx ON labels (name, organization_id);
CREATE INDEX labels_org_named_idx ON labels (organization_id) WHERE name IS NOT NULL;
