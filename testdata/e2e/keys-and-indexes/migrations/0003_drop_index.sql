-- "Unused index" cleanup: labels loses its only complete tenant index.
DROP INDEX CONCURRENTLY IF EXISTS labels_org_idx;
DROP INDEX IF EXISTS no_such_index;
