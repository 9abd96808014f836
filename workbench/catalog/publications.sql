-- publications: CREATE PUBLICATION objects (database-wide: schema is NULL). publish lists the
-- operations in PostgreSQL's order; generated_columns is NULL for the default ('none'; the setting
-- came in 18, read through to_jsonb). schemas: the FOR TABLES IN SCHEMA members, as a JSON list; the
-- tables a publication names are the publication_tables kind.
SELECT p.pubname AS name,
       NULL::text AS schema,
       p.puballtables AS all_tables,
       array_to_string(ARRAY[CASE WHEN p.pubinsert THEN 'insert' END, CASE WHEN p.pubupdate THEN 'update' END,
                             CASE WHEN p.pubdelete THEN 'delete' END, CASE WHEN p.pubtruncate THEN 'truncate' END],
                       ', ') AS publish,
       p.pubviaroot AS via_root,
       CASE to_jsonb(p) ->> 'pubgencols' WHEN 's' THEN 'stored' END AS generated_columns,
       (SELECT coalesce(json_agg(n.nspname::text ORDER BY n.nspname), '[]')::text
        FROM pg_publication_namespace pn JOIN pg_namespace n ON n.oid = pn.pnnspid
        WHERE pn.pnpubid = p.oid) AS schemas,
       pg_get_userbyid(p.pubowner) AS owner,
       p.oid::bigint AS oid
FROM pg_publication p
WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_publication'::regclass
                  AND d.objid = p.oid AND d.deptype = 'e');
