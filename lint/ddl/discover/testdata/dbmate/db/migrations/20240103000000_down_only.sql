-- migrate:down
alter table tasks disable row level security;
