-- +migrate Up
CREATE TABLE organizations (
    id   uuid PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE members (
    organization_id uuid NOT NULL REFERENCES organizations (id),
    email           text NOT NULL,
    PRIMARY KEY (organization_id, email)
);
ALTER TABLE members ENABLE ROW LEVEL SECURITY;
ALTER TABLE members FORCE ROW LEVEL SECURITY;
CREATE POLICY members_tenant ON members
    USING (organization_id = current_setting('app.org')::uuid);

-- +migrate Down
DROP TABLE members;
DROP TABLE organizations;
