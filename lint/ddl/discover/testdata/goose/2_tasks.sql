-- +goose NO TRANSACTION
-- +goose up
create table tasks (id bigserial primary key, tenant_id uuid not null);
alter table tasks enable row level security;
-- +goose down
drop table tasks;
