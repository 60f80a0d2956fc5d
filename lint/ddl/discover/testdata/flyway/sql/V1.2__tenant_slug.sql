-- V1.2__tenant_slug
select 1;
