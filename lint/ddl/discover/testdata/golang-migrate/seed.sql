-- Not a golang-migrate name: golang-migrate ignores it.
insert into tenants values (gen_random_uuid(), 'acme');
