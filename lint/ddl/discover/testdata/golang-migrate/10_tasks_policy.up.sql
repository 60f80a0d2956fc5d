create policy tasks_tenant on tasks
  using (tenant_id = current_setting('app.current_tenant')::uuid);
