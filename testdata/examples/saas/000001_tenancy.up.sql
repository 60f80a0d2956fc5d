-- Tenancy: every customer is an organization; the application sets
-- app.current_tenant at the start of each request (SET LOCAL) and connects
-- as app_user.
CREATE ROLE app_user LOGIN;

CREATE TABLE organizations (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email  text NOT NULL UNIQUE
);

CREATE TABLE memberships (
    org_id   uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role     text NOT NULL DEFAULT 'member',
    PRIMARY KEY (org_id, user_id)
);
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
CREATE POLICY memberships_tenant ON memberships
    USING (org_id = current_setting('app.current_tenant')::uuid)
    WITH CHECK (org_id = current_setting('app.current_tenant')::uuid);

-- Price list shared by every customer.
CREATE TABLE plans (
    id     text PRIMARY KEY,
    price  numeric(10, 2) NOT NULL
);
