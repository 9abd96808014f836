-- invalid_indexes: indexes the planner cannot use (pg_index.indisvalid false), typically left by a
-- CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY that failed or was cancelled. They are still
-- maintained on every write.
SELECT n.nspname AS schema,
       c.relname AS "table",
       ic.relname AS name,
       pg_get_indexdef(i.indexrelid) AS definition
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT i.indisvalid
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2, 3;
