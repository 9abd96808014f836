-- constraints: PRIMARY KEY, UNIQUE, FOREIGN KEY, CHECK and EXCLUDE constraints of tables.
-- PostgreSQL 18's NOT NULL rows (contype 'n') are column facts, and domain checks belong to types.
-- the user functions each constraint calls (pg_depend), aggregated once: create them before it, drop it first
WITH used_functions AS MATERIALIZED (
  SELECT d.objid, json_agg(DISTINCT jsonb_build_array('functions', pn.nspname, p.proname, oidvectortypes(p.proargtypes)))::text AS list
  FROM pg_depend d JOIN pg_proc p ON p.oid = d.refobjid JOIN pg_namespace pn ON pn.oid = p.pronamespace
  WHERE d.classid = 'pg_constraint'::regclass AND d.refclassid = 'pg_proc'::regclass AND d.deptype = 'n'
    AND pn.nspname NOT IN ('pg_catalog', 'information_schema')
  GROUP BY d.objid
)
SELECT n.nspname AS schema,
       c.relname AS "table",
       k.conname AS name,
       k.contype::text AS constraint_type,
       pg_get_constraintdef(k.oid) AS definition,
       k.condeferrable AS deferrable,
       k.condeferred AS initially_deferred,
       k.convalidated AS validated,
       CASE WHEN k.contype IN ('p', 'u', 'x') THEN (SELECT ic.relname FROM pg_class ic WHERE ic.oid = k.conindid) END AS index_name,
       CASE WHEN k.contype = 'f' THEN quote_ident(fn.nspname) || '.' || quote_ident(fc.relname) END AS references_table,
       -- the referenced table's unique index a foreign key relies on (PostgreSQL picks it when it is added)
       CASE WHEN k.contype = 'f' THEN (SELECT ic.relname FROM pg_class ic WHERE ic.oid = k.conindid) END AS references_index,
       k.conkey::text AS column_numbers,       -- attnums; named through the columns frame (cheaper)
       NOT k.conislocal OR k.conparentid <> 0 AS inherited,
       CASE c.relkind WHEN 'r' THEN 'ordinary' WHEN 'p' THEN 'partitioned' WHEN 'f' THEN 'foreign' END AS table_kind,
       uf.list AS depends_on_functions,       -- of a CHECK or EXCLUDE expression
       c.oid::bigint AS table_oid
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
-- the referenced table joined, not looked up per constraint: a subquery per foreign key joined
-- pg_namespace by a scan of its own each time (foreign keys x schemas rows)
LEFT JOIN pg_class fc ON fc.oid = k.confrelid AND k.contype = 'f'
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
LEFT JOIN used_functions uf ON uf.objid = k.oid
WHERE k.contype IN ('p', 'u', 'f', 'c', 'x')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e');
