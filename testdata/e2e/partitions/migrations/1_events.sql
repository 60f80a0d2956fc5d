CREATE TABLE tenants (id uuid PRIMARY KEY);

-- A partitioned tenant table, protected.
CREATE TABLE events (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    id         bigint NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id, created_at)
) PARTITION BY RANGE (created_at);
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
ALTER TABLE events FORCE ROW LEVEL SECURITY;
CREATE POLICY events_tenant ON events USING (tenant_id = current_setting('app.tenant_id')::uuid);

-- Mistake: partitions do not inherit RLS. A query straight to
-- events_2024 reads every tenant's rows.
CREATE TABLE events_2024 PARTITION OF events
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

-- Done right: the partition has its own RLS and policy.
CREATE TABLE events_2025 PARTITION OF events
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE events_2025 ENABLE ROW LEVEL SECURITY;
ALTER TABLE events_2025 FORCE ROW LEVEL SECURITY;
CREATE POLICY events_2025_tenant ON events_2025 USING (tenant_id = current_setting('app.tenant_id')::uuid);
