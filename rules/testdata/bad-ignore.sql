-- tenantguard:ignore rls-disabled written only by a trigger, never read by the app
CREATE TABLE audit_log (org_id uuid, line text); -- want-suppressed "public.audit_log"

CREATE TABLE projects (id bigint, org_id uuid NOT NULL); -- tenantguard:ignore rls-disabled -- want "has no reason" "public.projects"

-- tenantguard:ignore rls-disbled typo in the rule name -- want `unknown rule "rls-disbled"`
CREATE TABLE tasks (id bigint, org_id uuid NOT NULL); -- want "public.tasks"

CREATE TABLE plans (id text); -- tenantguard:ignore rls-disabled plans has no tenant column -- want "rls-disabled matched no finding"

-- tenantguard:ignore -- want "names no rule"
CREATE TABLE x (id int);

-- tenantguard:ignore bad-ignore nice try -- want "cannot silence bad-ignore"
-- Stacked comment lines above a statement all apply to it:
-- tenantguard:ignore rls-disabled legacy table, migrated away in Q3
-- (more explanation)
CREATE TABLE legacy (org_id uuid); -- want-suppressed "public.legacy"
