-- materialized_views: definition as PostgreSQL deparses it (compared through the pglast parse tree);
-- populated: whether it holds data (false after CREATE ... WITH NO DATA, as every pg_dump restore
-- makes them), compared only with --compare-populated
-- What a view's query uses (relations, functions, columns, constraints) comes from its rewrite
-- rule's pg_depend rows, read once for all materialized views and aggregated per view: no lookup per view
-- that the planner could turn into a scan of pg_depend by refclassid (quadratic on stale stats).
WITH viewrel AS MATERIALIZED (
  SELECT c.oid, n.nspname, c.relname, c.reloptions, c.relowner, c.reltablespace, c.relispopulated
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'm'
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                    AND d.objid = c.oid AND d.deptype = 'e')
), uses AS MATERIALIZED (
  SELECT v.oid AS view_oid, d.refclassid, d.refobjid, d.refobjsubid
  FROM viewrel v
  JOIN pg_rewrite r ON r.ev_class = v.oid
  JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
), used_relations AS (
  SELECT u.view_oid, json_agg(DISTINCT jsonb_build_array(
           CASE rc.relkind WHEN 'v' THEN 'views' WHEN 'm' THEN 'materialized_views' ELSE 'tables' END,
           rn.nspname, rc.relname))::text AS list
  FROM uses u JOIN pg_class rc ON rc.oid = u.refobjid JOIN pg_namespace rn ON rn.oid = rc.relnamespace
  WHERE u.refclassid = 'pg_class'::regclass AND u.refobjid <> u.view_oid
  GROUP BY u.view_oid
), used_functions AS (
  SELECT u.view_oid, json_agg(DISTINCT jsonb_build_array('functions', pn.nspname, p.proname,
                                                          oidvectortypes(p.proargtypes)))::text AS list
  FROM uses u JOIN pg_proc p ON p.oid = u.refobjid JOIN pg_namespace pn ON pn.oid = p.pronamespace
  WHERE u.refclassid = 'pg_proc'::regclass AND pn.nspname NOT IN ('pg_catalog', 'information_schema')
  GROUP BY u.view_oid
), used_columns AS (
  SELECT u.view_oid, json_agg(DISTINCT jsonb_build_array(rn.nspname, rc.relname, a.attname))::text AS list
  FROM uses u JOIN pg_class rc ON rc.oid = u.refobjid JOIN pg_namespace rn ON rn.oid = rc.relnamespace
  JOIN pg_attribute a ON a.attrelid = u.refobjid AND a.attnum = u.refobjsubid
  WHERE u.refclassid = 'pg_class'::regclass AND u.refobjsubid > 0 AND u.refobjid <> u.view_oid
  GROUP BY u.view_oid
), used_constraints AS (
  SELECT u.view_oid, json_agg(DISTINCT jsonb_build_array(kn.nspname, kc.relname, k.conname))::text AS list
  FROM uses u JOIN pg_constraint k ON k.oid = u.refobjid JOIN pg_class kc ON kc.oid = k.conrelid
  JOIN pg_namespace kn ON kn.oid = kc.relnamespace
  WHERE u.refclassid = 'pg_constraint'::regclass
  GROUP BY u.view_oid
)
SELECT v.nspname AS schema,
       v.relname AS name,
       pg_get_viewdef(v.oid) AS definition,
       array_to_string(v.reloptions, ',') AS options,
       (SELECT ts.spcname FROM pg_tablespace ts WHERE ts.oid = v.reltablespace) AS tablespace,
       (SELECT json_agg(json_build_array(a.attname, format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum)::text
        FROM pg_attribute a WHERE a.attrelid = v.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
       ur.list AS depends_on_relations,
       uf.list AS depends_on_functions,
       uc.list AS depends_on_columns,
       uk.list AS depends_on_constraints,
       pg_get_userbyid(v.relowner) AS owner,
       v.relispopulated AS populated,
       v.oid::bigint AS oid
FROM viewrel v
LEFT JOIN used_relations ur ON ur.view_oid = v.oid
LEFT JOIN used_functions uf ON uf.view_oid = v.oid
LEFT JOIN used_columns uc ON uc.view_oid = v.oid
LEFT JOIN used_constraints uk ON uk.view_oid = v.oid;
