-- migrate:up
create index tasks_tenant_idx on tasks (tenant_id);
-- migrate:down
drop index tasks_tenant_idx;
-- migrate:up transaction:false
create index concurrently tasks_tenant_title_idx on tasks (tenant_id, id);
-- migrate:down transaction:false
drop index concurrently tasks_tenant_title_idx;
