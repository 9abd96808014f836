-- foreign_servers: CREATE SERVER objects made by users, not by an extension. Database-wide: schema
-- is NULL. wrapper_extension is the extension whose wrapper the server uses (postgres_fdw): the
-- server is created after it. options: a JSON list of [key, value] in the catalog's order; the
-- value of an option whose key names a password is never read (it is '********': a snapshot file
-- and a plan hold no credentials; the planner says so where it would write one).
SELECT s.srvname AS name,
       NULL::text AS schema,
       w.fdwname AS wrapper,
       s.srvtype AS server_type,
       s.srvversion AS server_version,
       (SELECT coalesce(json_agg(json_build_array(o.option_name,
                                 CASE WHEN o.option_name ILIKE '%password%' THEN '********' ELSE o.option_value END)
                                 ORDER BY o.n), '[]')::text
        FROM pg_options_to_table(s.srvoptions) WITH ORDINALITY AS o (option_name, option_value, n)) AS options,
       (SELECT e.extname FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
        WHERE d.classid = 'pg_foreign_data_wrapper'::regclass AND d.objid = w.oid AND d.deptype = 'e'
          AND d.refclassid = 'pg_extension'::regclass) AS wrapper_extension,
       pg_get_userbyid(s.srvowner) AS owner,
       s.oid::bigint AS oid
FROM pg_foreign_server s
JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_foreign_server'::regclass
                  AND d.objid = s.oid AND d.deptype = 'e');
