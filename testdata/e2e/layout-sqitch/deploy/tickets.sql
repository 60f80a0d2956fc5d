-- Deploy helpdesk:tickets to pg
-- requires: tenants
BEGIN;
CREATE TABLE tickets (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    subject   text NOT NULL
);
CREATE INDEX tickets_tenant_id_idx ON tickets (tenant_id);
COMMIT;
