-- not_valid_constraints: CHECK and FOREIGN KEY constraints added NOT VALID and never validated
-- (pg_constraint.convalidated false): existing rows were not checked against them.
SELECT n.nspname AS schema,
       c.relname AS "table",
       k.conname AS name,
       pg_get_constraintdef(k.oid) AS definition
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT k.convalidated
  AND k.contype IN ('c', 'f', 'n')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2, 3;
