-- Repeatable: runs after every versioned migration.
-- Mistake: a per-tenant summary table without row level security.
CREATE TABLE IF NOT EXISTS invoice_totals (
    tenant_id uuid NOT NULL,
    total     numeric(14, 2) NOT NULL
);
