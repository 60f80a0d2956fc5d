-- +migrate Up notransaction
UPDATE members SET email = lower(email);

-- +migrate Down
SELECT 1;
