-- Deploy tasks:users (as of @v1.0, kept by rework)
create table users (id uuid primary key, tenant_id uuid not null);
