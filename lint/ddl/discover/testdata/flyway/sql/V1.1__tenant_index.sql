-- V1.1__tenant_index
select 1;
