-- A backfill switched RLS off "temporarily".
ALTER TABLE customers DISABLE ROW LEVEL SECURITY;
UPDATE customers SET org_id = org_id;

-- Switched off and back on in the same migration: fine, no finding.
ALTER TABLE orders DISABLE ROW LEVEL SECURITY;
UPDATE orders SET org_id = org_id;
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;

-- FORCE dropped for a maintenance job running as the owner.
ALTER TABLE refunds NO FORCE ROW LEVEL SECURITY;
