-- V3__tasks_rls
select 1;
