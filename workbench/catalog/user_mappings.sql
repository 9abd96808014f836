-- user_mappings: CREATE USER MAPPING objects, read through the pg_user_mappings view (pg_user_mapping
-- itself is for superusers only; the view shows the options to the server's owner and the mapped
-- user). Database-wide: schema is NULL. "user" is the role, or PUBLIC. options as in
-- foreign_servers.sql: a password's value is never read.
SELECT CASE WHEN m.umuser = 0 THEN 'PUBLIC' ELSE m.usename::text END AS "user",
       m.srvname AS server,
       NULL::text AS schema,
       (SELECT coalesce(json_agg(json_build_array(o.option_name,
                                 CASE WHEN o.option_name ILIKE '%password%' THEN '********' ELSE o.option_value END)
                                 ORDER BY o.n), '[]')::text
        FROM pg_options_to_table(m.umoptions) WITH ORDINALITY AS o (option_name, option_value, n)) AS options,
       m.umid::bigint AS oid
FROM pg_user_mappings m
WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_user_mapping'::regclass
                  AND d.objid = m.umid AND d.deptype = 'e');
