-- V2__tasks
select 1;
