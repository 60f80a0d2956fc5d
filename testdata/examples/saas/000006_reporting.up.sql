-- Reporting for the customer dashboard.

-- Mistake: a plain view runs with its owner's rights; the owner (the
-- migration role) owns projects and tasks, and the dashboard role can read
-- every organization's overview through it.
CREATE VIEW project_overview AS
    SELECT p.org_id, p.id AS project_id, p.name, count(t.id) AS open_tasks
    FROM projects p
    LEFT JOIN tasks t ON t.project_id = p.id AND NOT t.done
    GROUP BY p.org_id, p.id, p.name;
GRANT SELECT ON project_overview TO app_user;

-- Audit trail written by the application.
CREATE TABLE audit_events (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id  uuid NOT NULL REFERENCES organizations (id),
    at      timestamptz NOT NULL DEFAULT now(),
    action  text NOT NULL
);
CREATE INDEX audit_events_org_idx ON audit_events (org_id, at);
ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
-- Mistake: "so that background jobs don't crash" -- with no tenant set,
-- every organization's audit trail is visible.
CREATE POLICY audit_events_tenant ON audit_events
    USING (org_id = coalesce(nullif(current_setting('app.current_tenant', true), '')::uuid, org_id));
GRANT SELECT, INSERT ON audit_events TO app_user;
