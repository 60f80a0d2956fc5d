-- V1_10__tenant_owner
select 1;
