-- +goose Up
create view tenant_tasks with (security_invoker) as select * from tasks;
-- +goose Down
drop view tenant_tasks;
