-- Tables of every shape the seeder meets, all empty and all correct: the
-- probe must seed rows for two tenants in each (no table "not probed"),
-- find nothing, and leave the database as it was. Tenants are integers.
CREATE ROLE {{app}} NOLOGIN;

CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE DOMAIN short_code AS varchar(3) CHECK (VALUE <> '');
CREATE TYPE pair AS (a int, b int);

CREATE TABLE accounts (
    id    integer PRIMARY KEY,
    name  text NOT NULL UNIQUE
);

-- Every kind of column.
CREATE TABLE kinds (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  integer NOT NULL REFERENCES accounts (id),
    code        short_code NOT NULL,
    feeling     mood NOT NULL,
    tags        text[] NOT NULL,
    doc         jsonb NOT NULL,
    price       numeric(5, 2) NOT NULL CHECK (price >= 0),
    initials    char(2) NOT NULL,
    at          timestamptz NOT NULL,
    day         date NOT NULL,
    span        interval NOT NULL,
    ip          inet NOT NULL,
    blob        bytea NOT NULL,
    ok          boolean NOT NULL,
    small       smallint NOT NULL,
    ratio       double precision NOT NULL,
    ticket      serial,
    total       numeric GENERATED ALWAYS AS (price * 2) STORED,
    uid         uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    email       text NOT NULL UNIQUE
);
CREATE INDEX kinds_account_idx ON kinds (account_id);

-- A composite foreign key that includes the tenant column, and a
-- nullable reference to itself.
CREATE TABLE folders (
    account_id  integer NOT NULL REFERENCES accounts (id),
    id          integer NOT NULL,
    parent_id   integer,
    name        text NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, parent_id) REFERENCES folders (account_id, id)
);
CREATE TABLE files (
    id          bigserial PRIMARY KEY,
    account_id  integer NOT NULL,
    folder_id   integer NOT NULL,
    name        text NOT NULL CHECK (length(name) > 2),
    FOREIGN KEY (account_id, folder_id) REFERENCES folders (account_id, id)
);

-- A range-partitioned table and a list-partitioned one.
CREATE TABLE events (
    account_id  integer NOT NULL REFERENCES accounts (id),
    at          timestamptz NOT NULL,
    kind        text NOT NULL
) PARTITION BY RANGE (at);
CREATE TABLE events_2020 PARTITION OF events FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
CREATE TABLE regions (
    account_id  integer NOT NULL REFERENCES accounts (id),
    region      text NOT NULL,
    label       text NOT NULL
) PARTITION BY LIST (region);
CREATE TABLE regions_eu PARTITION OF regions FOR VALUES IN ('eu', 'uk');

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['kinds', 'folders', 'files', 'events', 'events_2020', 'regions', 'regions_eu'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY tenant ON %I
            USING (account_id = current_setting('app.account')::integer)
            WITH CHECK (account_id = current_setting('app.account')::integer)$p$, t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO {{app}}', t);
    END LOOP;
END $$;
GRANT SELECT ON accounts TO {{app}};
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {{app}};
