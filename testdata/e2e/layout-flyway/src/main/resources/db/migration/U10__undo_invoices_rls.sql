-- Undo migration: never part of a forward replay.
DROP POLICY invoices_tenant ON invoices;
ALTER TABLE invoices DISABLE ROW LEVEL SECURITY;
