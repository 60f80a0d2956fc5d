DROP TABLE audit_events;
DROP VIEW project_overview;
