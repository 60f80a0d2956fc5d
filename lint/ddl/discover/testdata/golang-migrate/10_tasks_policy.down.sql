drop policy tasks_tenant on tasks;
