-- tables: ordinary, partitioned and foreign tables (their columns are the `columns` kind)
SELECT n.nspname AS schema,
       c.relname AS name,
       CASE c.relkind WHEN 'r' THEN 'ordinary' WHEN 'p' THEN 'partitioned' WHEN 'f' THEN 'foreign' END AS table_kind,
       CASE c.relpersistence WHEN 'u' THEN 'unlogged' WHEN 't' THEN 'temporary' ELSE 'permanent' END AS persistence,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
       CASE WHEN c.relispartition THEN parents.first END AS partition_of,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       CASE WHEN NOT c.relispartition THEN parents.names END AS inherits,
       c.relrowsecurity AS rls_enabled,
       c.relforcerowsecurity AS rls_forced,
       array_to_string(c.reloptions, ',') AS options,
       CASE WHEN c.relkind = 'f' THEN
         (SELECT s.srvname FROM pg_foreign_table ft JOIN pg_foreign_server s ON s.oid = ft.ftserver WHERE ft.ftrelid = c.oid)
       END AS foreign_server,
       pg_get_userbyid(c.relowner) AS owner,
       c.oid::bigint AS oid
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
-- parents (a partition's one, or the tables inherited from), read once for every table and
-- aggregated per table: a subquery per table scanned pg_inherits each time while it was small
LEFT JOIN (SELECT i.inhrelid,
                  (array_agg(quote_ident(pn.nspname) || '.' || quote_ident(pc.relname) ORDER BY i.inhseqno))[1] AS first,
                  json_agg(quote_ident(pn.nspname) || '.' || quote_ident(pc.relname) ORDER BY i.inhseqno)::text AS names
           FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
           GROUP BY i.inhrelid) parents ON parents.inhrelid = c.oid
WHERE c.relkind IN ('r', 'p', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e');
