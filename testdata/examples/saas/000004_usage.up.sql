-- Usage events, partitioned by month.
CREATE TABLE usage_events (
    org_id      uuid NOT NULL,
    at          timestamptz NOT NULL,
    kind        text NOT NULL,
    quantity    integer NOT NULL DEFAULT 1
) PARTITION BY RANGE (at);
CREATE INDEX usage_events_org_idx ON usage_events (org_id, at);
ALTER TABLE usage_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE usage_events FORCE ROW LEVEL SECURITY;
CREATE POLICY usage_events_tenant ON usage_events
    USING (org_id = current_setting('app.current_tenant')::uuid);

-- Mistake: the partition is a table of its own. The reporting job queries
-- usage_events_2025 directly, and the parent's policy does not apply there.
CREATE TABLE usage_events_2025 PARTITION OF usage_events
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
