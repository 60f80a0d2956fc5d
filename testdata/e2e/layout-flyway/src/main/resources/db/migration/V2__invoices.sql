CREATE TABLE invoices (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    total     numeric(12, 2) NOT NULL
);
CREATE INDEX invoices_tenant_id_idx ON invoices (tenant_id);
