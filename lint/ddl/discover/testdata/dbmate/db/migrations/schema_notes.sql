-- dbmate only runs files whose name starts with digits.
-- migrate:up
drop table tasks;
