-- selectable_views: the views and materialized views that verify reads with `SELECT * ... LIMIT 0`
-- (one savepoint each, in a READ ONLY transaction): planning the query catches a view over a
-- dropped or changed object, executor start a missing privilege of the view's owner. A
-- materialized view created WITH NO DATA (populated false) cannot be read: it is planned with
-- EXPLAIN instead, and reported as unpopulated, not failed (every pg_dump restore makes them so).
SELECT n.nspname AS schema,
       c.relname AS name,
       CASE c.relkind WHEN 'v' THEN 'view' ELSE 'materialized view' END AS relation_kind,
       c.relispopulated AS populated
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2;
