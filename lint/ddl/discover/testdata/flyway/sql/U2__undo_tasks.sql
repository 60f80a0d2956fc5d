-- U2__undo_tasks
select 1;
