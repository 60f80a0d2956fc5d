-- Deploy tasks:tenants
create table tenants (id uuid primary key);
