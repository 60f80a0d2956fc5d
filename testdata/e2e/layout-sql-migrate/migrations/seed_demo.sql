-- +migrate Up
-- Files without a leading number run after the numbered ones.
INSERT INTO organizations (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'Demo');

-- +migrate Down
DELETE FROM organizations;
