create policy p on tasks using (tenant_id = current_setting($$app.tenant$$)::uuid);
