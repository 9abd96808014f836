-- default_privileges: ALTER DEFAULT PRIVILEGES, one row per (role, schema or every schema, object
-- type, grantee, privilege) that differs from what PostgreSQL grants without them. An entry for
-- every schema (in_schema '') replaces the built-in defaults (acldefault of its object type for
-- its role): state 'granted' for a privilege beyond them, 'revoked' for a built-in one taken away.
-- An entry IN SCHEMA only adds to those: its rows are all 'granted'. schema is NULL for an entry of
-- every schema (a --schema filter leaves those out, as it does database-wide objects).
WITH entries AS (
  SELECT pg_get_userbyid(d.defaclrole) AS role,
         coalesce(n.nspname, '') AS in_schema,
         n.nspname AS schema,
         CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
                              WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' WHEN 'L' THEN 'large objects' END AS object_type,
         d.defaclacl AS acl,
         CASE WHEN d.defaclnamespace = 0
              THEN acldefault((CASE d.defaclobjtype WHEN 'S' THEN 's' ELSE d.defaclobjtype END)::"char", d.defaclrole)
         END AS defaults
  FROM pg_default_acl d
  LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
  WHERE n.oid IS NULL
     OR (n.nspname NOT IN ('pg_catalog', 'information_schema')
         AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%')
), granted AS (
  SELECT e.role, e.in_schema, e.schema, e.object_type, x.grantee, x.privilege_type, x.is_grantable
  FROM entries e, aclexplode(e.acl) x
), defaulted AS (
  SELECT e.role, e.in_schema, e.schema, e.object_type, x.grantee, x.privilege_type, x.is_grantable
  FROM entries e, aclexplode(e.defaults) x
  WHERE e.defaults IS NOT NULL
)
SELECT coalesce(g.role, d.role) AS role,
       coalesce(g.in_schema, d.in_schema) AS in_schema,
       coalesce(g.object_type, d.object_type) AS object_type,
       CASE WHEN coalesce(g.grantee, d.grantee) = 0 THEN 'PUBLIC'
            ELSE pg_get_userbyid(coalesce(g.grantee, d.grantee)) END AS grantee,
       coalesce(g.privilege_type, d.privilege_type) AS privilege,
       CASE WHEN g.grantee IS NULL THEN 'revoked' ELSE 'granted' END AS state,
       coalesce(g.is_grantable, false) AS grantable,
       coalesce(g.schema, d.schema) AS schema,
       coalesce(g.grantee, d.grantee) = 0 AS to_public
FROM granted g
FULL JOIN defaulted d
  ON d.role = g.role AND d.in_schema = g.in_schema AND d.object_type = g.object_type
 AND d.grantee = g.grantee AND d.privilege_type = g.privilege_type
WHERE g.grantee IS NULL OR d.grantee IS NULL OR g.is_grantable <> d.is_grantable;
