CREATE TABLE orgs (id uuid PRIMARY KEY);
CREATE TABLE projects (id bigint PRIMARY KEY, org_id uuid NOT NULL REFERENCES orgs (id), UNIQUE (org_id, id));
CREATE TABLE plans (id text PRIMARY KEY);

CREATE TABLE tasks (
  id bigint PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  project_id bigint REFERENCES projects (id), -- want `foreign key tasks_project_id_fkey \(project_id\) -> public.projects \(id\) does not include the tenant column`
  plan_id text REFERENCES plans (id)
);

CREATE TABLE comments (id bigint, org_id uuid NOT NULL, task_id bigint);
ALTER TABLE comments ADD CONSTRAINT comments_task FOREIGN KEY (task_id) REFERENCES tasks; -- want `comments_task \(task_id\) -> public.tasks \(its primary key\)`

-- Good: the composite key includes the tenant column on both sides.
CREATE TABLE s1 (
  id bigint,
  org_id uuid NOT NULL REFERENCES orgs (id),
  project_id bigint,
  FOREIGN KEY (org_id, project_id) REFERENCES projects (org_id, id)
);
