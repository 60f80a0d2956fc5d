-- Deploy tasks:orphan (not in the plan)
drop table tasks;
