-- +migrate Up
create table tenants (id uuid primary key);
-- +migrate Down
drop table tenants;
