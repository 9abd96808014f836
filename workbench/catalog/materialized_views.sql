-- materialized_views: definition as PostgreSQL deparses it (compared through the pglast parse tree)
SELECT n.nspname AS schema,
       c.relname AS name,
       pg_get_viewdef(c.oid) AS definition,
       array_to_string(c.reloptions, ',') AS options,
       (SELECT ts.spcname FROM pg_tablespace ts WHERE ts.oid = c.reltablespace) AS tablespace,
       pg_get_userbyid(c.relowner) AS owner,
       c.oid::bigint AS oid
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'm'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2;
