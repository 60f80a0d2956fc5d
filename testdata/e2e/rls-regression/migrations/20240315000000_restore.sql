-- Only refunds gets its FORCE back; customers stays unprotected.
ALTER TABLE refunds FORCE ROW LEVEL SECURITY;
