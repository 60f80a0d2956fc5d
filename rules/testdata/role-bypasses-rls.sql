-- role-bypasses-rls runs on live databases only: this fixture is applied to
-- a real PostgreSQL and inspected (rules/role_bypasses_rls_test.go), and each
-- finding is mapped back to the statement that created its object. Role names
-- carry a prefix: roles belong to the whole server.
-- Config: admin_roles [postgres, tg_rbr_admin], probe.role tg_rbr_app.

CREATE ROLE tg_rbr_admin LOGIN SUPERUSER;
CREATE ROLE tg_rbr_ops LOGIN SUPERUSER; -- want "login role tg_rbr_ops is a superuser"
CREATE ROLE tg_rbr_batch LOGIN BYPASSRLS; -- want "login role tg_rbr_batch has BYPASSRLS"

-- Roles that cannot log in are reported through those that can become them.
CREATE ROLE tg_rbr_migrator NOLOGIN BYPASSRLS;
CREATE ROLE tg_rbr_release NOLOGIN IN ROLE tg_rbr_migrator;
CREATE ROLE tg_rbr_deployer LOGIN IN ROLE tg_rbr_release; -- want `tg_rbr_deployer can SET ROLE to tg_rbr_migrator \(through tg_rbr_release\), which has BYPASSRLS`
CREATE ROLE tg_rbr_helpdesk LOGIN IN ROLE tg_rbr_admin;

CREATE ROLE tg_rbr_app LOGIN;
CREATE ROLE tg_rbr_owner NOLOGIN;
GRANT tg_rbr_owner TO tg_rbr_app;

CREATE TABLE orgs (id uuid PRIMARY KEY);

CREATE TABLE projects (
    id bigint PRIMARY KEY,
    org_id uuid NOT NULL REFERENCES orgs (id)
);
ALTER TABLE projects OWNER TO tg_rbr_app; -- want "tenant table public.projects is owned by the application role tg_rbr_app"

CREATE TABLE tasks (
    id bigint PRIMARY KEY,
    org_id uuid NOT NULL REFERENCES orgs (id)
);
ALTER TABLE tasks OWNER TO tg_rbr_owner; -- want "application role tg_rbr_app is a member of tg_rbr_owner, which owns tenant table public.tasks"

-- Owned by the migration role, granted to the application: fine.
CREATE TABLE invoices (
    id bigint PRIMARY KEY,
    org_id uuid NOT NULL REFERENCES orgs (id)
);
GRANT SELECT, INSERT ON invoices TO tg_rbr_app;
