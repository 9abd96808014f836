-- extended_statistics: CREATE STATISTICS objects, named by the table they are on (schema and table
-- are the table's, as for indexes; statistics_schema is the object's own, usually the same).
-- The statistics target is NULL when it is the default: -1 up to PostgreSQL 16, NULL from 17.
-- columns: the table's columns the object reads (its keys and those its expressions use).
SELECT tn.nspname AS schema,
       c.relname AS "table",
       s.stxname AS name,
       n.nspname AS statistics_schema,
       pg_get_statisticsobjdef(s.oid) AS definition,
       nullif(s.stxstattarget::int, -1) AS statistics_target,
       (SELECT coalesce(json_agg(a.attname::text ORDER BY a.attnum), '[]')::text
        FROM pg_attribute a
        WHERE a.attrelid = s.stxrelid AND a.attnum > 0
          AND (a.attnum = ANY (s.stxkeys)
               OR EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_statistic_ext'::regclass
                          AND d.objid = s.oid AND d.refclassid = 'pg_class'::regclass
                          AND d.refobjid = s.stxrelid AND d.refobjsubid = a.attnum))) AS columns,
       pg_get_userbyid(s.stxowner) AS owner,
       s.oid::bigint AS oid
FROM pg_statistic_ext s
JOIN pg_namespace n ON n.oid = s.stxnamespace
JOIN pg_class c ON c.oid = s.stxrelid
JOIN pg_namespace tn ON tn.oid = c.relnamespace
WHERE tn.nspname NOT IN ('pg_catalog', 'information_schema')
  AND tn.nspname NOT LIKE 'pg\_toast%' AND tn.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_statistic_ext'::regclass
                  AND d.objid = s.oid AND d.deptype = 'e');
