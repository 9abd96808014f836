-- foreign_data_wrappers: CREATE FOREIGN DATA WRAPPER objects made by users, not by an extension
-- (postgres_fdw's and file_fdw's wrappers are their extensions'). Database-wide: schema is NULL.
-- options: a JSON list of [key, value] in the catalog's order; a value whose key names a password
-- is never read (see foreign_servers.sql).
SELECT w.fdwname AS name,
       NULL::text AS schema,
       CASE WHEN w.fdwhandler <> 0 THEN quote_ident(hn.nspname) || '.' || quote_ident(h.proname) END AS handler,
       CASE WHEN w.fdwvalidator <> 0 THEN quote_ident(vn.nspname) || '.' || quote_ident(v.proname) END AS validator,
       hn.nspname AS handler_schema,
       h.proname AS handler_name,
       vn.nspname AS validator_schema,
       v.proname AS validator_name,
       (SELECT coalesce(json_agg(json_build_array(o.option_name,
                                 CASE WHEN o.option_name ILIKE '%password%' THEN '********' ELSE o.option_value END)
                                 ORDER BY o.n), '[]')::text
        FROM pg_options_to_table(w.fdwoptions) WITH ORDINALITY AS o (option_name, option_value, n)) AS options,
       pg_get_userbyid(w.fdwowner) AS owner,
       w.oid::bigint AS oid
FROM pg_foreign_data_wrapper w
LEFT JOIN pg_proc h ON h.oid = w.fdwhandler
LEFT JOIN pg_namespace hn ON hn.oid = h.pronamespace
LEFT JOIN pg_proc v ON v.oid = w.fdwvalidator
LEFT JOIN pg_namespace vn ON vn.oid = v.pronamespace
WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_foreign_data_wrapper'::regclass
                  AND d.objid = w.oid AND d.deptype = 'e');
