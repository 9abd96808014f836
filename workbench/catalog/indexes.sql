-- indexes: every index of a table or materialized view, including those that back PK/UNIQUE/EXCLUDE
-- the user functions each class calls (pg_depend), aggregated once: create them before it, drop it first
WITH used_functions AS MATERIALIZED (
  SELECT d.objid, json_agg(DISTINCT jsonb_build_array('functions', pn.nspname, p.proname, oidvectortypes(p.proargtypes)))::text AS list
  FROM pg_depend d JOIN pg_proc p ON p.oid = d.refobjid JOIN pg_namespace pn ON pn.oid = p.pronamespace
  WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_proc'::regclass AND d.deptype = 'n'
    AND pn.nspname NOT IN ('pg_catalog', 'information_schema')
  GROUP BY d.objid
)
SELECT n.nspname AS schema,
       c.relname AS "table",
       ic.relname AS name,
       pg_get_indexdef(i.indexrelid) AS definition,
       i.indisunique AS is_unique,
       i.indisprimary AS is_primary,
       pg_get_expr(i.indpred, i.indrelid) AS predicate,
       k.conname IS NOT NULL AS backs_constraint,
       k.conname AS constraint_name,
       i.indisvalid AS is_valid,
       -- ALTER TABLE ... CLUSTER ON this index; REPLICA IDENTITY USING INDEX this index
       i.indisclustered AS clustered,
       i.indisreplident AS replica_identity,
       -- its storage parameters (also in the definition's WITH (...)): ALTER INDEX ... SET / RESET
       array_to_string(ic.reloptions, ',') AS options,
       CASE c.relkind WHEN 'r' THEN 'ordinary' WHEN 'p' THEN 'partitioned' WHEN 'm' THEN 'materialized view' END AS table_kind,
       ic.relispartition AS inherited,
       -- the partitioned table's index this partition's index is attached to (ALTER INDEX ... ATTACH PARTITION)
       CASE WHEN h.inhparent IS NOT NULL THEN quote_ident(pn.nspname) || '.' || quote_ident(pic.relname) END AS attached_to,
       uf.list AS depends_on_functions,       -- of its expressions and predicate
       c.oid::bigint AS table_oid
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
-- the backing constraint, looked up in one pass (OFFSET 0 keeps it a hash join, not 9,000 index probes)
LEFT JOIN (SELECT conindid, conrelid, conname FROM pg_constraint WHERE contype IN ('p', 'u', 'x') OFFSET 0) k
       ON k.conindid = i.indexrelid AND k.conrelid = i.indrelid
LEFT JOIN (SELECT inhrelid, inhparent FROM pg_inherits OFFSET 0) h ON h.inhrelid = i.indexrelid
LEFT JOIN pg_class pic ON pic.oid = h.inhparent
LEFT JOIN pg_namespace pn ON pn.oid = pic.relnamespace
LEFT JOIN used_functions uf ON uf.objid = i.indexrelid
WHERE c.relkind IN ('r', 'p', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e');
