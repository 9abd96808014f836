-- columns: the columns of tables (ordinary, partitioned, foreign); a view's columns are its definition
-- the user functions each attrdef calls (pg_depend), aggregated once: create them before it, drop it first
WITH used_functions AS MATERIALIZED (
  SELECT d.objid, json_agg(DISTINCT jsonb_build_array('functions', pn.nspname, p.proname, oidvectortypes(p.proargtypes)))::text AS list
  FROM pg_depend d JOIN pg_proc p ON p.oid = d.refobjid JOIN pg_namespace pn ON pn.oid = p.pronamespace
  WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_proc'::regclass AND d.deptype = 'n'
    AND pn.nspname NOT IN ('pg_catalog', 'information_schema')
  GROUP BY d.objid
)
SELECT n.nspname AS schema,
       c.relname AS "table",
       a.attname AS name,
       a.attnum AS position,
       format_type(a.atttypid, a.atttypmod) AS data_type,
       a.attnotnull AS not_null,
       CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS default_value,
       CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' ELSE '' END AS identity,
       CASE WHEN a.attgenerated <> '' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS generated,
       CASE a.attgenerated WHEN 's' THEN 'stored' WHEN 'v' THEN 'virtual' ELSE '' END AS generated_kind,
       quote_ident(cn.nspname) || '.' || quote_ident(co.collname) AS collation,
       CASE c.relkind WHEN 'r' THEN 'ordinary' WHEN 'p' THEN 'partitioned' WHEN 'f' THEN 'foreign' END AS table_kind,
       a.attislocal AS is_local,
       uf.list AS depends_on_functions,       -- of its default or generated expression
       c.oid::bigint AS table_oid
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN used_functions uf ON uf.objid = ad.oid
-- a collation other than the type's, joined (a subquery per column would scan pg_collation per row)
LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 0 AND a.attcollation <> t.typcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
WHERE c.relkind IN ('r', 'p', 'f') AND a.attnum > 0 AND NOT a.attisdropped
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e');
