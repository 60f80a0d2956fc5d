--
-- PostgreSQL database dump
--
CREATE TABLE public.tasks (
    id bigint NOT NULL,
    tenant_id uuid NOT NULL
);
ALTER TABLE public.tasks ENABLE ROW LEVEL SECURITY;
