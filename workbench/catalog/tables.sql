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
       -- storage parameters: the table's, then its TOAST table's as `toast.name=value` (as WITH (...) takes them)
       array_to_string(c.reloptions || CASE WHEN tc.reloptions IS NOT NULL
                                            THEN ARRAY(SELECT 'toast.' || o FROM unnest(tc.reloptions) o) END, ',') AS options,
       -- REPLICA IDENTITY: 'index' only while an index holds it (pg_index.indisreplident; that index says
       -- which, in the indexes kind); an index dropped from under it leaves the default behaviour
       -- (a foreign table has none: 'n' in the catalog, which ALTER TABLE cannot set)
       CASE WHEN c.relkind = 'f' THEN 'default' ELSE CASE c.relreplident WHEN 'n' THEN 'nothing' WHEN 'f' THEN 'full'
         WHEN 'i' THEN CASE WHEN EXISTS (SELECT 1 FROM pg_index x WHERE x.indrelid = c.oid AND x.indisreplident)
                            THEN 'index' ELSE 'default' END
         ELSE 'default' END END AS replica_identity,
       -- a typed table (CREATE TABLE ... OF type): its columns are the type's
       CASE WHEN c.reloftype <> 0 THEN format_type(c.reloftype, NULL) END AS of_type,
       CASE WHEN c.relkind = 'f' THEN
         (SELECT s.srvname FROM pg_foreign_table ft JOIN pg_foreign_server s ON s.oid = ft.ftserver WHERE ft.ftrelid = c.oid)
       END AS foreign_server,
       -- a foreign table's OPTIONS (...): a JSON list of [key, value] in the catalog's order (pg_dump's)
       CASE WHEN c.relkind = 'f' THEN
         (SELECT coalesce(json_agg(json_build_array(o.option_name, o.option_value) ORDER BY o.n), '[]')::text
          FROM pg_foreign_table ft, pg_options_to_table(ft.ftoptions) WITH ORDINALITY AS o (option_name, option_value, n)
          WHERE ft.ftrelid = c.oid)
       END AS foreign_options,
       -- CREATE TABLE ... USING: a table access method other than heap (NULL for heap, and for a table
       -- without one: foreign, or partitioned without USING)
       tam.amname AS access_method,
       pg_get_userbyid(c.relowner) AS owner,
       c.oid::bigint AS oid
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class tc ON tc.oid = c.reltoastrelid
LEFT JOIN pg_am tam ON tam.oid = c.relam AND tam.amname <> 'heap'
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
