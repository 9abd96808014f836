-- operator_classes: CREATE OPERATOR CLASS objects made by users, not by an extension. family: the
-- family it belongs to (schema-qualified); storage: STORAGE when it differs from the input type.
-- members: its operators and support functions (those pg_depend ties to the class, not to the
-- family alone) as a JSON list of the clauses CREATE OPERATOR CLASS ... AS takes.
WITH members AS (
  SELECT d.refobjid AS class, 0 AS sort, ao.amopstrategy AS number,
         'OPERATOR ' || ao.amopstrategy || ' ' || quote_ident(opn.nspname) || '.' || op.oprname || '('
           || format_type(ao.amoplefttype, NULL) || ', ' || format_type(ao.amoprighttype, NULL) || ')'
           || CASE WHEN ao.amoppurpose = 'o' THEN ' FOR ORDER BY ' || quote_ident(sfn.nspname) || '.' || quote_ident(sf.opfname)
                   ELSE '' END AS clause
  FROM pg_amop ao
  JOIN pg_depend d ON d.classid = 'pg_amop'::regclass AND d.objid = ao.oid AND d.refclassid = 'pg_opclass'::regclass
  JOIN pg_operator op ON op.oid = ao.amopopr
  JOIN pg_namespace opn ON opn.oid = op.oprnamespace
  LEFT JOIN pg_opfamily sf ON sf.oid = ao.amopsortfamily
  LEFT JOIN pg_namespace sfn ON sfn.oid = sf.opfnamespace
  UNION ALL
  SELECT d.refobjid, 1, ap.amprocnum,
         'FUNCTION ' || ap.amprocnum || ' (' || format_type(ap.amproclefttype, NULL) || ', '
           || format_type(ap.amprocrighttype, NULL) || ') ' || ap.amproc::regprocedure::text
  FROM pg_amproc ap
  JOIN pg_depend d ON d.classid = 'pg_amproc'::regclass AND d.objid = ap.oid AND d.refclassid = 'pg_opclass'::regclass
)
SELECT n.nspname AS schema,
       c.opcname AS name,
       am.amname AS method,
       format_type(c.opcintype, NULL) AS data_type,
       c.opcdefault AS is_default,
       quote_ident(fn.nspname) || '.' || quote_ident(f.opfname) AS family,
       fn.nspname AS family_schema,
       f.opfname AS family_name,
       CASE WHEN c.opckeytype <> 0 AND c.opckeytype <> c.opcintype THEN format_type(c.opckeytype, NULL) END AS storage,
       (SELECT coalesce(json_agg(m.clause ORDER BY m.sort, m.number, m.clause), '[]')::text
        FROM members m WHERE m.class = c.oid) AS members,
       (SELECT coalesce(json_agg(DISTINCT jsonb_build_array(opn.nspname::text, op.oprname::text,
                                 coalesce(format_type(nullif(op.oprleft, 0), NULL), 'NONE'), format_type(op.oprright, NULL))), '[]')::text
        FROM pg_amop ao
        JOIN pg_depend d ON d.classid = 'pg_amop'::regclass AND d.objid = ao.oid AND d.refclassid = 'pg_opclass'::regclass
        JOIN pg_operator op ON op.oid = ao.amopopr
        JOIN pg_namespace opn ON opn.oid = op.oprnamespace
        WHERE d.refobjid = c.oid) AS operators,
       pg_get_userbyid(c.opcowner) AS owner,
       c.oid::bigint AS oid
FROM pg_opclass c
JOIN pg_namespace n ON n.oid = c.opcnamespace
JOIN pg_am am ON am.oid = c.opcmethod
JOIN pg_opfamily f ON f.oid = c.opcfamily
JOIN pg_namespace fn ON fn.oid = f.opfnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_opclass'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e');
