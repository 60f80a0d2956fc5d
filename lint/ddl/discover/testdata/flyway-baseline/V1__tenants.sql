-- V1__tenants
select 1;
