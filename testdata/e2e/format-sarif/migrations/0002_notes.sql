-- tenantguard:ignore rls-disabled written only by a trigger; no role reads it
CREATE TABLE audit_log (
  org_id uuid NOT NULL REFERENCES orgs (id),
  line   text
);
CREATE INDEX audit_log_org_id ON audit_log (org_id);

CREATE TABLE notes (
  org_id uuid REFERENCES orgs (id),
  body   text
);
