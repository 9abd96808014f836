-- transforms: CREATE TRANSFORM objects made by users, not by an extension (hstore_plperl's are its
-- extension's). Database-wide: schema is NULL. Named by their type (format_type, as casts are) and
-- language; each function (FROM SQL, TO SQL; either may be absent) by the functions kind's
-- identity (schema, name, identity arguments), which is how CREATE TRANSFORM takes it.
SELECT format_type(t.trftype, NULL) AS type_name,
       l.lanname AS language,
       NULL::text AS schema,
       CASE WHEN t.trffromsql <> 0 THEN
         quote_ident(fn.nspname) || '.' || quote_ident(f.proname) || '(' || oidvectortypes(f.proargtypes) || ')'
       END AS from_sql,
       fn.nspname AS from_schema, f.proname AS from_name, oidvectortypes(f.proargtypes) AS from_arguments,
       CASE WHEN t.trftosql <> 0 THEN
         quote_ident(tn.nspname) || '.' || quote_ident(g.proname) || '(' || oidvectortypes(g.proargtypes) || ')'
       END AS to_sql,
       tn.nspname AS to_schema, g.proname AS to_name, oidvectortypes(g.proargtypes) AS to_arguments,
       t.oid::bigint AS oid
FROM pg_transform t
JOIN pg_language l ON l.oid = t.trflang
LEFT JOIN pg_proc f ON f.oid = t.trffromsql
LEFT JOIN pg_namespace fn ON fn.oid = f.pronamespace
LEFT JOIN pg_proc g ON g.oid = t.trftosql
LEFT JOIN pg_namespace tn ON tn.oid = g.pronamespace
WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_transform'::regclass
                  AND d.objid = t.oid AND d.deptype = 'e');
