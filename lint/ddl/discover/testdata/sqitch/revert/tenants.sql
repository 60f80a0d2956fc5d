drop table tenants;
