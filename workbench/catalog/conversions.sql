-- conversions: CREATE CONVERSION objects made by users, not by an extension (PostgreSQL's own live
-- in pg_catalog). function: the conversion function, named by schema and name.
SELECT n.nspname AS schema,
       c.conname AS name,
       pg_encoding_to_char(c.conforencoding) AS source_encoding,
       pg_encoding_to_char(c.contoencoding) AS target_encoding,
       quote_ident(fn.nspname) || '.' || quote_ident(f.proname) AS function,
       fn.nspname AS function_schema,
       f.proname AS function_name,
       c.condefault AS is_default,
       pg_get_userbyid(c.conowner) AS owner,
       c.oid::bigint AS oid
FROM pg_conversion c
JOIN pg_namespace n ON n.oid = c.connamespace
JOIN pg_proc f ON f.oid = c.conproc
JOIN pg_namespace fn ON fn.oid = f.pronamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_conversion'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e');
