-- casts: CREATE CAST objects made by users (oid >= 16384, FirstNormalObjectId: not built in), not by
-- an extension. A cast belongs to no schema (schema is NULL: a --schema filter leaves it out, as
-- the census does). Its function is named by the functions kind's identity (schema, name,
-- identity arguments), which is also how CREATE CAST ... WITH FUNCTION takes it.
SELECT format_type(c.castsource, NULL) AS source_type,
       format_type(c.casttarget, NULL) AS target_type,
       NULL::text AS schema,
       CASE c.castmethod WHEN 'f' THEN 'function' WHEN 'i' THEN 'inout' WHEN 'b' THEN 'binary' END AS method,
       CASE WHEN c.castfunc <> 0 THEN
         quote_ident(fn.nspname) || '.' || quote_ident(p.proname) || '(' || oidvectortypes(p.proargtypes) || ')'
       END AS function,
       fn.nspname AS function_schema,
       p.proname AS function_name,
       oidvectortypes(p.proargtypes) AS function_arguments,
       CASE c.castcontext WHEN 'e' THEN 'explicit' WHEN 'a' THEN 'assignment' WHEN 'i' THEN 'implicit' END AS context,
       c.oid::bigint AS oid
FROM pg_cast c
LEFT JOIN pg_proc p ON p.oid = c.castfunc
LEFT JOIN pg_namespace fn ON fn.oid = p.pronamespace
WHERE c.oid >= 16384
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_cast'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e');
