-- +goose Up
create policy tasks_tenant on tasks using (tenant_id = current_tenant());
-- +goose Down
drop policy tasks_tenant on tasks;
