create table tenants (id uuid primary key, name text not null);
