-- types: enums, domains, ranges and standalone composite types (no array or table row types)
-- the user functions a type calls (pg_depend: a domain's default and CHECKs, a range's canonical and
-- subtype_diff), aggregated once: created before it, dropped after it
WITH used_functions AS MATERIALIZED (
  SELECT COALESCE(k.contypid, d.objid) AS type_oid,
         json_agg(DISTINCT jsonb_build_array('functions', pn.nspname, p.proname, oidvectortypes(p.proargtypes)))::text AS list
  FROM pg_depend d JOIN pg_proc p ON p.oid = d.refobjid JOIN pg_namespace pn ON pn.oid = p.pronamespace
  LEFT JOIN pg_constraint k ON d.classid = 'pg_constraint'::regclass AND k.oid = d.objid
  WHERE d.classid IN ('pg_type'::regclass, 'pg_constraint'::regclass) AND d.refclassid = 'pg_proc'::regclass
    AND d.deptype = 'n' AND (d.classid = 'pg_type'::regclass OR k.contypid <> 0)
    AND pn.nspname NOT IN ('pg_catalog', 'information_schema')
  GROUP BY 1
)
SELECT n.nspname AS schema,
       t.typname AS name,
       CASE t.typtype WHEN 'e' THEN 'enum' WHEN 'd' THEN 'domain'
                      WHEN 'r' THEN 'range' WHEN 'c' THEN 'composite' END AS type_kind,
       CASE WHEN t.typtype = 'e' THEN
         (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder)::text FROM pg_enum e WHERE e.enumtypid = t.oid)
       END AS enum_labels,
       CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base_type,
       t.typdefault AS default_value,
       t.typnotnull AS not_null,
       CASE WHEN t.typtype = 'd' THEN
         (SELECT json_agg(json_build_array(k.conname, pg_get_constraintdef(k.oid)) ORDER BY k.conname)::text
          FROM pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'c')
       END AS checks,
       CASE WHEN t.typtype = 'c' THEN
         (SELECT json_agg(json_build_array(a.attname, format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum)::text
          FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped)
       END AS attributes,
       CASE WHEN t.typtype = 'r' THEN
         (SELECT format_type(r.rngsubtype, NULL) FROM pg_range r WHERE r.rngtypid = t.oid)
       END AS range_subtype,
       -- the rest of CREATE TYPE ... AS RANGE, each only where pg_dump writes it (not the default)
       CASE WHEN t.typtype = 'r' THEN
         (SELECT concat_ws(', ',
                   CASE WHEN NOT o.opcdefault THEN 'subtype_opclass = ' || quote_ident(on_.nspname) || '.' || quote_ident(o.opcname) END,
                   CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> s.typcollation THEN
                     'collation = ' || (SELECT quote_ident(cn.nspname) || '.' || quote_ident(c.collname)
                                        FROM pg_collation c JOIN pg_namespace cn ON cn.oid = c.collnamespace
                                        WHERE c.oid = r.rngcollation) END,
                   CASE WHEN r.rngcanonical <> 0 THEN 'canonical = ' || r.rngcanonical::regproc::text END,
                   CASE WHEN r.rngsubdiff <> 0 THEN 'subtype_diff = ' || r.rngsubdiff::regproc::text END,
                   'multirange_type_name = ' || format_type(r.rngmultitypid, NULL))
          FROM pg_range r JOIN pg_type s ON s.oid = r.rngsubtype
          JOIN pg_opclass o ON o.oid = r.rngsubopc JOIN pg_namespace on_ ON on_.oid = o.opcnamespace
          WHERE r.rngtypid = t.oid)
       END AS range_options,
       CASE WHEN t.typcollation <> 0 AND t.typcollation <> (SELECT b.typcollation FROM pg_type b WHERE b.oid = t.typbasetype)
            THEN (SELECT quote_ident(cn.nspname) || '.' || quote_ident(c.collname)
                  FROM pg_collation c JOIN pg_namespace cn ON cn.oid = c.collnamespace WHERE c.oid = t.typcollation)
       END AS collation,
       uf.list AS depends_on_functions,
       pg_get_userbyid(t.typowner) AS owner,
       t.oid::bigint AS oid
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN used_functions uf ON uf.type_oid = t.oid
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND (t.typtype IN ('e', 'd', 'r')
       OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c'))
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                  AND d.objid = t.oid AND d.deptype = 'e');
