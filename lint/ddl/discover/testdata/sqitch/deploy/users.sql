-- Deploy tasks:users
alter table users force row level security;
