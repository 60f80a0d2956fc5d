CREATE SCHEMA app;
CREATE SCHEMA billing;
CREATE SCHEMA audit;

CREATE TABLE app.accounts (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE app.plans (id text PRIMARY KEY, price numeric NOT NULL);
CREATE TABLE app.countries (code text PRIMARY KEY);
CREATE TABLE app.feature_flags (name text PRIMARY KEY, enabled boolean NOT NULL);
