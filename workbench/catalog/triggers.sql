-- triggers: user triggers (not the internal triggers of foreign keys)
SELECT n.nspname AS schema,
       c.relname AS "table",
       t.tgname AS name,
       pg_get_triggerdef(t.oid) AS definition,
       CASE WHEN t.tgtype & 2 <> 0 THEN 'BEFORE' WHEN t.tgtype & 64 <> 0 THEN 'INSTEAD OF' ELSE 'AFTER' END AS timing,
       concat_ws(' OR ', CASE WHEN t.tgtype & 4 <> 0 THEN 'INSERT' END, CASE WHEN t.tgtype & 8 <> 0 THEN 'DELETE' END,
                 CASE WHEN t.tgtype & 16 <> 0 THEN 'UPDATE' END, CASE WHEN t.tgtype & 32 <> 0 THEN 'TRUNCATE' END) AS events,
       CASE WHEN t.tgtype & 1 <> 0 THEN 'ROW' ELSE 'STATEMENT' END AS level,
       t.tgfoid::regprocedure::text AS function,
       pn.nspname AS function_schema,
       p.proname AS function_name,
       oidvectortypes(p.proargtypes) AS function_arguments,
       CASE t.tgenabled WHEN 'O' THEN 'enabled' WHEN 'D' THEN 'disabled'
                        WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' END AS enabled,
       t.tgparentid <> 0 AS inherited,
       t.tgconstraint <> 0 AS is_constraint_trigger,
       c.oid::bigint AS table_oid
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
-- the function joined, not looked up per trigger (a subquery per trigger scanned pg_namespace each time)
LEFT JOIN pg_proc p ON p.oid = t.tgfoid
LEFT JOIN pg_namespace pn ON pn.oid = p.pronamespace
WHERE NOT t.tgisinternal
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e');
