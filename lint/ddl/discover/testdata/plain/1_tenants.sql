create table tenants (id uuid primary key);
