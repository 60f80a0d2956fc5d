-- +goose Up
-- goose rejects version 0.
drop table tasks;
