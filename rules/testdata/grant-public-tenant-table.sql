CREATE TABLE orgs (id uuid PRIMARY KEY);
CREATE TABLE invoices (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE TABLE docs (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE TABLE plans (id text PRIMARY KEY);

GRANT SELECT ON invoices TO PUBLIC; -- want `tenant table public.invoices grants SELECT to every role \(PUBLIC\)`
GRANT ALL ON TABLE docs TO anon; -- want `grants SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER to anon`
GRANT SELECT ON plans TO anon;
GRANT SELECT, INSERT ON invoices, docs TO authenticated;

-- Revoked later: nothing to report.
CREATE TABLE notes (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
GRANT SELECT ON notes TO anon;
REVOKE SELECT ON notes FROM anon;
