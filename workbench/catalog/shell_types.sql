-- shell_types: CREATE TYPE name; with nothing else: a placeholder a base type's I/O functions are
-- written against (pg_dump writes one ahead of every base type), or one left alone. Not a member of
-- an extension, not made implicitly for another object; the system schemas' pseudo-types (also
-- typtype 'p') are left out with them. The base types are a kind of their own (base_types.sql).
SELECT n.nspname AS schema,
       t.typname AS name,
       t.oid::bigint AS oid
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'p'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                  AND d.objid = t.oid AND d.deptype IN ('e', 'i'));
