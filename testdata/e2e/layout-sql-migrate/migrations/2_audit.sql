-- +migrate Up
-- +migrate StatementBegin
CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_events (organization_id, detail) VALUES (NEW.organization_id, TG_OP);
    RETURN NEW;
END;
$$;
-- +migrate StatementEnd
-- Mistake: audit events carry the tenant but are readable by everyone.
CREATE TABLE audit_events (
    organization_id uuid NOT NULL REFERENCES organizations (id),
    detail          text NOT NULL
);
CREATE INDEX audit_events_org_idx ON audit_events (organization_id);

-- +migrate Down
ALTER TABLE members DISABLE ROW LEVEL SECURITY;
DROP TABLE audit_events;
DROP FUNCTION audit_row();
