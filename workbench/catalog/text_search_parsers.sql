-- text_search_parsers: CREATE TEXT SEARCH PARSER objects made by users, not by an extension. The
-- functions as regproc names them (qualified unless in pg_catalog), as CREATE takes them.
SELECT n.nspname AS schema,
       p.prsname AS name,
       p.prsstart::regproc::text AS start_function,
       p.prstoken::regproc::text AS token_function,
       p.prsend::regproc::text AS end_function,
       p.prslextype::regproc::text AS lextypes_function,
       CASE WHEN p.prsheadline <> 0 THEN p.prsheadline::regproc::text END AS headline_function,
       p.oid::bigint AS oid
FROM pg_ts_parser p
JOIN pg_namespace n ON n.oid = p.prsnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_ts_parser'::regclass
                  AND d.objid = p.oid AND d.deptype = 'e');
