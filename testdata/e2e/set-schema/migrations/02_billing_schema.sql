CREATE SCHEMA billing;
-- Moving a table keeps its row level security and policies.
ALTER TABLE invoices SET SCHEMA billing;
ALTER TABLE payments SET SCHEMA billing;
-- Mistake: this still names public.payments, which no longer exists, so
-- billing.payments never gets row level security (a note with --verbose).
ALTER TABLE payments ENABLE ROW LEVEL SECURITY;
ALTER TABLE payments FORCE ROW LEVEL SECURITY;
