-- Deploy tasks:users (as of @v2.0)
alter table users enable row level security;
