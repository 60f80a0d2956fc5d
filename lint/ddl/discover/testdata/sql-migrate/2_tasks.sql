-- +migrate Up notransaction
create table tasks (id bigserial primary key, tenant_id uuid not null);
-- +migrate Down
drop table tasks;
