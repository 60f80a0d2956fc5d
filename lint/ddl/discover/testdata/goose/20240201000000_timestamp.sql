-- +goose Up
create index tasks_tenant_idx on tasks (tenant_id);
-- +goose Down
drop index tasks_tenant_idx;
