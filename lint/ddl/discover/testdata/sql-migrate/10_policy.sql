-- +migrate Up
-- +migrate StatementBegin
create function tenant() returns uuid language sql as $$ select current_setting('app.tenant')::uuid $$;
-- +migrate StatementEnd
-- +migrate Down
drop function tenant();
