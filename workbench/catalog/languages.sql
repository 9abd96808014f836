-- languages: CREATE LANGUAGE objects made by users (oid >= 16384: not built in), not by an
-- extension (plpgsql, plperl, ... are their extensions'). Database-wide: schema is NULL. The
-- handler, inline and validator functions named by schema and name.
SELECT l.lanname AS name,
       NULL::text AS schema,
       l.lanpltrusted AS trusted,
       quote_ident(hn.nspname) || '.' || quote_ident(h.proname) AS handler,
       hn.nspname AS handler_schema, h.proname AS handler_name,
       CASE WHEN l.laninline <> 0 THEN quote_ident(inn.nspname) || '.' || quote_ident(i.proname) END AS inline,
       inn.nspname AS inline_schema, i.proname AS inline_name,
       CASE WHEN l.lanvalidator <> 0 THEN quote_ident(vn.nspname) || '.' || quote_ident(v.proname) END AS validator,
       vn.nspname AS validator_schema, v.proname AS validator_name,
       pg_get_userbyid(l.lanowner) AS owner,
       l.oid::bigint AS oid
FROM pg_language l
JOIN pg_proc h ON h.oid = l.lanplcallfoid
JOIN pg_namespace hn ON hn.oid = h.pronamespace
LEFT JOIN pg_proc i ON i.oid = l.laninline
LEFT JOIN pg_namespace inn ON inn.oid = i.pronamespace
LEFT JOIN pg_proc v ON v.oid = l.lanvalidator
LEFT JOIN pg_namespace vn ON vn.oid = v.pronamespace
WHERE l.oid >= 16384
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_language'::regclass
                  AND d.objid = l.oid AND d.deptype = 'e');
