-- collations: user collations (libc, icu, builtin), not system, not created by an extension.
-- Version-dependent columns are read through to_jsonb: colliculocale (15, 16) became colllocale
-- (17+), collicurules came in 16; the version (collversion) is information, never drift.
SELECT n.nspname AS schema,
       c.collname AS name,
       CASE c.collprovider WHEN 'c' THEN 'libc' WHEN 'i' THEN 'icu' WHEN 'b' THEN 'builtin'
                           ELSE 'default' END AS provider,
       coalesce(to_jsonb(c) ->> 'colllocale', to_jsonb(c) ->> 'colliculocale') AS locale,
       c.collcollate AS lc_collate,
       c.collctype AS lc_ctype,
       c.collisdeterministic AS deterministic,
       to_jsonb(c) ->> 'collicurules' AS rules,
       CASE WHEN c.collencoding <> -1 THEN pg_encoding_to_char(c.collencoding) END AS encoding,
       c.collversion AS version,
       pg_get_userbyid(c.collowner) AS owner,
       c.oid::bigint AS oid
FROM pg_collation c
JOIN pg_namespace n ON n.oid = c.collnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_collation'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e');
