select 1/count(*) from tenants;
