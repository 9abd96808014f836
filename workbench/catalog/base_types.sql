-- base_types: CREATE TYPE name (INPUT = ..., OUTPUT = ..., ...) made by users: typtype 'b' outside the
-- system schemas, not an array type (those come with their element type), not a member of an
-- extension nor made implicitly. `definition` is the option list as pg_dump writes it (functions
-- schema-qualified, names quoted, values as literals); each I/O function is also named by the
-- functions kind's identity (functions: a JSON list of [schema, name, identity arguments]), which
-- the type needs created first. A shell type of the same name (the placeholder its functions are
-- written against) is the shell_types kind's until the type is defined.
SELECT n.nspname AS schema,
       t.typname AS name,
       concat_ws(', ',
         'INTERNALLENGTH = ' || CASE WHEN t.typlen = -1 THEN 'variable' ELSE t.typlen::text END,
         'INPUT = ' || t.typinput::regproc::text, 'OUTPUT = ' || t.typoutput::regproc::text,
         'RECEIVE = ' || nullif(t.typreceive, 0)::regproc::text, 'SEND = ' || nullif(t.typsend, 0)::regproc::text,
         'TYPMOD_IN = ' || nullif(t.typmodin, 0)::regproc::text, 'TYPMOD_OUT = ' || nullif(t.typmodout, 0)::regproc::text,
         'ANALYZE = ' || nullif(t.typanalyze, 0)::regproc::text,
         'SUBSCRIPT = ' || nullif(t.typsubscript, 0)::regproc::text,
         CASE WHEN t.typbyval THEN 'PASSEDBYVALUE' END,
         'ALIGNMENT = ' || CASE t.typalign WHEN 'c' THEN 'char' WHEN 's' THEN 'int2' WHEN 'i' THEN 'int4' ELSE 'double' END,
         'STORAGE = ' || CASE t.typstorage WHEN 'p' THEN 'plain' WHEN 'e' THEN 'external' WHEN 'm' THEN 'main' ELSE 'extended' END,
         CASE WHEN t.typcategory <> 'U' THEN 'CATEGORY = ' || quote_literal(t.typcategory::text) END,
         CASE WHEN t.typispreferred THEN 'PREFERRED = true' END,
         CASE WHEN t.typdefault IS NOT NULL THEN 'DEFAULT = ' || quote_literal(t.typdefault) END,
         CASE WHEN t.typelem <> 0 THEN 'ELEMENT = ' || format_type(t.typelem, NULL) END,
         CASE WHEN t.typdelim <> ',' THEN 'DELIMITER = ' || quote_literal(t.typdelim::text) END,
         CASE WHEN t.typcollation <> 0 THEN 'COLLATABLE = true' END) AS definition,
       (SELECT json_agg(json_build_array(pn.nspname, p.proname, oidvectortypes(p.proargtypes)) ORDER BY p.oid)::text
        FROM pg_proc p JOIN pg_namespace pn ON pn.oid = p.pronamespace
        WHERE p.oid IN (t.typinput, t.typoutput, t.typreceive, t.typsend, t.typmodin, t.typmodout, t.typanalyze,
                        t.typsubscript)
          AND pn.nspname NOT IN ('pg_catalog', 'information_schema')) AS functions,
       pg_get_userbyid(t.typowner) AS owner,
       t.oid::bigint AS oid
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'b'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT (t.typelem <> 0 AND EXISTS (SELECT 1 FROM pg_type e WHERE e.oid = t.typelem AND e.typarray = t.oid))
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                  AND d.objid = t.oid AND d.deptype IN ('e', 'i'));
