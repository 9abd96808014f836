-- operators: CREATE OPERATOR objects made by users, not by an extension, identified by schema, name
-- (the symbol) and operand types (NONE for a prefix operator's left). A shell operator (a
-- commutator or negator named before it was made) has no function and is not an object of its own.
-- commutator, negator: OPERATOR(schema.symbol), as CREATE OPERATOR takes them.
SELECT n.nspname AS schema,
       o.oprname AS name,
       coalesce(format_type(nullif(o.oprleft, 0), NULL), 'NONE') AS left_type,
       format_type(o.oprright, NULL) AS right_type,
       format_type(o.oprresult, NULL) AS result_type,
       quote_ident(fn.nspname) || '.' || quote_ident(f.proname) AS function,
       fn.nspname AS function_schema,
       f.proname AS function_name,
       CASE WHEN o.oprcom <> 0 THEN 'OPERATOR(' || quote_ident(cn.nspname) || '.' || c.oprname || ')' END AS commutator,
       CASE WHEN o.oprnegate <> 0 THEN 'OPERATOR(' || quote_ident(nn.nspname) || '.' || ng.oprname || ')' END AS negator,
       CASE WHEN o.oprrest <> 0 THEN o.oprrest::regproc::text END AS restrict,
       CASE WHEN o.oprjoin <> 0 THEN o.oprjoin::regproc::text END AS "join",
       o.oprcanhash AS hashes,
       o.oprcanmerge AS merges,
       pg_get_userbyid(o.oprowner) AS owner,
       o.oid::bigint AS oid
FROM pg_operator o
JOIN pg_namespace n ON n.oid = o.oprnamespace
JOIN pg_proc f ON f.oid = o.oprcode
JOIN pg_namespace fn ON fn.oid = f.pronamespace
LEFT JOIN pg_operator c ON c.oid = o.oprcom
LEFT JOIN pg_namespace cn ON cn.oid = c.oprnamespace
LEFT JOIN pg_operator ng ON ng.oid = o.oprnegate
LEFT JOIN pg_namespace nn ON nn.oid = ng.oprnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_operator'::regclass
                  AND d.objid = o.oid AND d.deptype = 'e');
