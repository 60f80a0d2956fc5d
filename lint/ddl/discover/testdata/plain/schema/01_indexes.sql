create index tasks_tenant_idx on tasks (tenant_id);
