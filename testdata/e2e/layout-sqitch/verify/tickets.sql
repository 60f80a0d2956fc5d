SELECT id, tenant_id, subject FROM tickets WHERE false;
