-- access_methods: CREATE ACCESS METHOD objects made by users (oid >= 16384, FirstNormalObjectId: heap,
-- btree, ... are built in), not by an extension (bloom's is its extension's). Database-wide: schema
-- is NULL. The handler named by schema and name (a function of one internal argument).
SELECT a.amname AS name,
       NULL::text AS schema,
       CASE a.amtype WHEN 't' THEN 'table' WHEN 'i' THEN 'index' END AS method_type,
       quote_ident(hn.nspname) || '.' || quote_ident(h.proname) AS handler,
       hn.nspname AS handler_schema,
       h.proname AS handler_name,
       a.oid::bigint AS oid
FROM pg_am a
JOIN pg_proc h ON h.oid = a.amhandler
JOIN pg_namespace hn ON hn.oid = h.pronamespace
WHERE a.oid >= 16384
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_am'::regclass
                  AND d.objid = a.oid AND d.deptype = 'e');
