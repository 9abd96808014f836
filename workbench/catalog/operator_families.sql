-- operator_families: CREATE OPERATOR FAMILY objects made by users, not by an extension (every
-- operator class has one: the one CREATE OPERATOR CLASS makes when it names none is a row too).
-- members: the family's own members (ALTER OPERATOR FAMILY ... ADD: those no operator class of it
-- holds), as a JSON list of [operator|function, number, left type, right type, the ADD clause].
WITH members AS (
  SELECT d.refobjid AS family, 'operator' AS member_kind, ao.amopstrategy AS number,
         format_type(ao.amoplefttype, NULL) AS left_type, format_type(ao.amoprighttype, NULL) AS right_type,
         'OPERATOR ' || ao.amopstrategy || ' ' || quote_ident(opn.nspname) || '.' || op.oprname || '('
           || format_type(ao.amoplefttype, NULL) || ', ' || format_type(ao.amoprighttype, NULL) || ')'
           || CASE WHEN ao.amoppurpose = 'o' THEN ' FOR ORDER BY ' || quote_ident(sfn.nspname) || '.' || quote_ident(sf.opfname)
                   ELSE '' END AS clause
  FROM pg_amop ao
  JOIN pg_depend d ON d.classid = 'pg_amop'::regclass AND d.objid = ao.oid AND d.refclassid = 'pg_opfamily'::regclass
  JOIN pg_operator op ON op.oid = ao.amopopr
  JOIN pg_namespace opn ON opn.oid = op.oprnamespace
  LEFT JOIN pg_opfamily sf ON sf.oid = ao.amopsortfamily
  LEFT JOIN pg_namespace sfn ON sfn.oid = sf.opfnamespace
  UNION ALL
  SELECT d.refobjid, 'function', ap.amprocnum, format_type(ap.amproclefttype, NULL), format_type(ap.amprocrighttype, NULL),
         'FUNCTION ' || ap.amprocnum || ' (' || format_type(ap.amproclefttype, NULL) || ', '
           || format_type(ap.amprocrighttype, NULL) || ') ' || ap.amproc::regprocedure::text
  FROM pg_amproc ap
  JOIN pg_depend d ON d.classid = 'pg_amproc'::regclass AND d.objid = ap.oid AND d.refclassid = 'pg_opfamily'::regclass
)
SELECT n.nspname AS schema,
       f.opfname AS name,
       am.amname AS method,
       (SELECT coalesce(json_agg(json_build_array(m.member_kind, m.number::text, m.left_type, m.right_type, m.clause)
                                 ORDER BY m.member_kind DESC, m.number, m.left_type, m.right_type), '[]')::text
        FROM members m WHERE m.family = f.oid) AS members,
       pg_get_userbyid(f.opfowner) AS owner,
       f.oid::bigint AS oid
FROM pg_opfamily f
JOIN pg_namespace n ON n.oid = f.opfnamespace
JOIN pg_am am ON am.oid = f.opfmethod
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_opfamily'::regclass
                  AND d.objid = f.oid AND d.deptype = 'e');
