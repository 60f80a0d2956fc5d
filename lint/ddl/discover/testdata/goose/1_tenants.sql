-- +goose Up
create table tenants (id uuid primary key, name text not null);

-- +goose StatementBegin
create function current_tenant() returns uuid
language plpgsql stable as $$
begin
  return current_setting('app.current_tenant')::uuid;
end;
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
drop function current_tenant();
-- +goose StatementEnd
drop table tenants;
