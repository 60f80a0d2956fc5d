-- Created on its own, then attached: also a partition without RLS.
CREATE TABLE events_2023 (LIKE events INCLUDING ALL);
ALTER TABLE events ATTACH PARTITION events_2023
    FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
