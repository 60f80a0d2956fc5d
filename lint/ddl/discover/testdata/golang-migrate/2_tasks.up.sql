create table tasks (id bigserial primary key, tenant_id uuid not null references tenants (id));
