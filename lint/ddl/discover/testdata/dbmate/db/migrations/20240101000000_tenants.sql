-- Tenants and their tasks.
-- migrate:up
create table tenants (id uuid primary key, name text not null);

create table tasks (
  id bigserial primary key,
  tenant_id uuid not null references tenants (id)
);
alter table tasks enable row level security;

-- migrate:down
drop table tasks;
drop table tenants;
