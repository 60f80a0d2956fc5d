-- +goose Up
-- +goose NO TRANSACTION
-- Mistake: tasks has a tenant column but no row level security.
CREATE TABLE tasks (
    id         bigserial PRIMARY KEY,
    org_id     bigint NOT NULL REFERENCES orgs (id),
    project_id bigint NOT NULL REFERENCES projects (id),
    title      text NOT NULL
);
CREATE INDEX CONCURRENTLY tasks_org_id_idx ON tasks (org_id, project_id);

-- +goose Down
DROP TABLE tasks;
