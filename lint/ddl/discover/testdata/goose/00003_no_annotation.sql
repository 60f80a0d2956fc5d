-- goose rejects a file without "-- +goose Up"; tenantguard lints it whole.
alter table tasks force row level security;
