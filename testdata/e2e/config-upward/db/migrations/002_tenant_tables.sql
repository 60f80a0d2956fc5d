-- org_id is not a tenant column in this project (tenant_columns:
-- [account_id]): this is the id of a partner organisation.
CREATE TABLE app.projects (
    id         bigint PRIMARY KEY,
    account_id bigint REFERENCES app.accounts (id),
    org_id     bigint
);
CREATE INDEX ON app.projects (account_id);
ALTER TABLE app.projects ENABLE ROW LEVEL SECURITY;
CREATE POLICY projects_account ON app.projects
    USING (account_id = current_setting('app.account_id')::bigint);

CREATE TABLE billing.invoices (
    id         bigint PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES app.accounts (id)
);
CREATE INDEX ON billing.invoices (account_id);

-- Outside the checked schemas: not reported.
CREATE TABLE audit.events (account_id bigint, detail text);
