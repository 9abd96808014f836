-- views: definition as PostgreSQL deparses it (compared through the pglast parse tree)
SELECT n.nspname AS schema,
       c.relname AS name,
       pg_get_viewdef(c.oid) AS definition,
       array_to_string(c.reloptions, ',') AS options,
       (SELECT json_agg(json_build_array(a.attname, format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum)::text
        FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
       -- what the view's query uses: relations and functions as [kind, identity...], and columns
       (SELECT json_agg(DISTINCT jsonb_build_array(
                 CASE rc.relkind WHEN 'v' THEN 'views' WHEN 'm' THEN 'materialized_views' ELSE 'tables' END,
                 rn.nspname, rc.relname))::text
        FROM pg_rewrite r
        JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass
        JOIN pg_class rc ON rc.oid = d.refobjid JOIN pg_namespace rn ON rn.oid = rc.relnamespace
        WHERE r.ev_class = c.oid AND d.refobjid <> c.oid) AS depends_on_relations,
       (SELECT json_agg(DISTINCT jsonb_build_array('functions', pn.nspname, p.proname, pg_get_function_identity_arguments(p.oid)))::text
        FROM pg_rewrite r
        JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_proc'::regclass
        JOIN pg_proc p ON p.oid = d.refobjid JOIN pg_namespace pn ON pn.oid = p.pronamespace
        WHERE r.ev_class = c.oid AND pn.nspname NOT IN ('pg_catalog', 'information_schema')) AS depends_on_functions,
       (SELECT json_agg(DISTINCT jsonb_build_array(rn.nspname, rc.relname, a.attname))::text
        FROM pg_rewrite r
        JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass
                        AND d.refobjsubid > 0
        JOIN pg_class rc ON rc.oid = d.refobjid JOIN pg_namespace rn ON rn.oid = rc.relnamespace
        JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE r.ev_class = c.oid AND d.refobjid <> c.oid) AS depends_on_columns,
       (SELECT json_agg(DISTINCT jsonb_build_array(kn.nspname, kc.relname, k.conname))::text
        FROM pg_rewrite r
        JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_constraint'::regclass
        JOIN pg_constraint k ON k.oid = d.refobjid JOIN pg_class kc ON kc.oid = k.conrelid
        JOIN pg_namespace kn ON kn.oid = kc.relnamespace
        WHERE r.ev_class = c.oid) AS depends_on_constraints,
       pg_get_userbyid(c.relowner) AS owner,
       c.oid::bigint AS oid
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'v'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e');
