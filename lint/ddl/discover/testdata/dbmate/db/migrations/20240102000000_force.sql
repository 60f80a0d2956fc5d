-- migrate:down
alter table tasks no force row level security;

-- migrate:up transaction:false
alter table tasks force row level security;
