-- text_search_templates: CREATE TEXT SEARCH TEMPLATE objects made by users, not by an extension.
SELECT n.nspname AS schema,
       t.tmplname AS name,
       CASE WHEN t.tmplinit <> 0 THEN t.tmplinit::regproc::text END AS init_function,
       t.tmpllexize::regproc::text AS lexize_function,
       t.oid::bigint AS oid
FROM pg_ts_template t
JOIN pg_namespace n ON n.oid = t.tmplnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_ts_template'::regclass
                  AND d.objid = t.oid AND d.deptype = 'e');
