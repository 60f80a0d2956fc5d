-- Mistake: a tenant table with no row level security.
CREATE TABLE invoice_lines (
    invoice_id uuid NOT NULL REFERENCES invoices (id),
    org_id     uuid NOT NULL REFERENCES orgs (id),
    amount     numeric NOT NULL,
    PRIMARY KEY (org_id, invoice_id)
);
