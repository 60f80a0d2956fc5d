-- V10__tasks_policy
select 1;
