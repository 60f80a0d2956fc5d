-- A tenant table whose insert trigger sleeps: seeding (and any insert)
-- blocks for {{sleep}} seconds, so a test can stop tenantguard mid-probe.
CREATE ROLE {{app}} NOLOGIN;
CREATE TABLE orgs (id uuid PRIMARY KEY);
INSERT INTO orgs VALUES ('11111111-1111-4111-8111-111111111111'), ('22222222-2222-4222-8222-222222222222');
CREATE TABLE audit_log (id bigserial PRIMARY KEY, what text NOT NULL);
CREATE TABLE slow (
    id      bigserial PRIMARY KEY,
    org_id  uuid NOT NULL REFERENCES orgs (id),
    body    text NOT NULL
);
ALTER TABLE slow ENABLE ROW LEVEL SECURITY;
ALTER TABLE slow FORCE ROW LEVEL SECURITY;
CREATE POLICY slow_tenant ON slow USING (org_id = current_setting('app.current_tenant')::uuid);
CREATE FUNCTION slow_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_log (what) VALUES ('slow insert');
    PERFORM pg_sleep({{sleep}});
    RETURN NEW;
END $$;
-- Rows of one tenant only: the probe must seed one for the other.
INSERT INTO slow (org_id, body) VALUES ('11111111-1111-4111-8111-111111111111', 'a');
CREATE TRIGGER slow_insert BEFORE INSERT ON slow FOR EACH ROW EXECUTE FUNCTION slow_insert();
GRANT SELECT, INSERT, UPDATE, DELETE ON slow TO {{app}};
