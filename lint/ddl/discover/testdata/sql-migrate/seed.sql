-- +migrate Up
insert into tenants values (gen_random_uuid());
-- +migrate Down
delete from tenants;
