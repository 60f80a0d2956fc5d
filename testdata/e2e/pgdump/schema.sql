--
-- PostgreSQL database dump
--

\restrict 6dhV2zPy1JxZ3YmLIl9n8bqyNnaQpWqK

-- Dumped from database version 15.8
-- Dumped by pg_dump version 17.6

SET statement_timeout = 0;
SET lock_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;

CREATE SCHEMA app;

ALTER SCHEMA app OWNER TO postgres;

SET default_tablespace = '';

CREATE TABLE app.orgs (
    id uuid NOT NULL,
    name text NOT NULL
);

CREATE TABLE app.tickets (
    id bigint NOT NULL,
    org_id uuid NOT NULL,
    subject text
);

ALTER TABLE app.tickets OWNER TO postgres;

COPY app.tickets (id, org_id, subject) FROM stdin;
1	7f1c3c4e-1f0e-4a51-9d3b-6a2f1a9b8c01	Printer on fire; send help
2	7f1c3c4e-1f0e-4a51-9d3b-6a2f1a9b8c01	CREATE TABLE is not a statement here
\.

ALTER TABLE ONLY app.orgs
    ADD CONSTRAINT orgs_pkey PRIMARY KEY (id);

ALTER TABLE ONLY app.tickets
    ADD CONSTRAINT tickets_pkey PRIMARY KEY (id);

CREATE INDEX tickets_org_id_idx ON app.tickets USING btree (org_id);

ALTER TABLE ONLY app.tickets
    ADD CONSTRAINT tickets_org_id_fkey FOREIGN KEY (org_id) REFERENCES app.orgs(id);

ALTER TABLE app.tickets ENABLE ROW LEVEL SECURITY;

CREATE POLICY tickets_tenant ON app.tickets USING ((org_id = (current_setting('app.current_tenant'::text))::uuid));

\connect postgres

--
-- PostgreSQL database dump complete
--

\unrestrict 6dhV2zPy1JxZ3YmLIl9n8bqyNnaQpWqK
