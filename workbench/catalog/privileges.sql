-- privileges: grants that differ from PostgreSQL's built-in defaults, one row per
-- (object, grantee, privilege). state = 'granted' for a grant beyond the defaults, 'revoked' for a
-- default privilege that was taken away (REVOKE EXECUTE ... FROM PUBLIC). Comparing against
-- acldefault() keeps owners' implicit rights (and PG 17's new MAINTAIN) out of the drift.
WITH user_ns AS (
  SELECT n.oid, n.nspname, n.nspacl, n.nspowner FROM pg_namespace n
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
), objects AS (
  SELECT n.nspname AS schema, 'schema' AS object_kind, quote_ident(n.nspname) AS object,
         'SCHEMA ' || quote_ident(n.nspname) AS sql_object, NULL::text AS sql_column, n.nspacl AS acl,
         acldefault('n', n.nspowner) AS defaults
  FROM user_ns n
  WHERE n.nspacl IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')
  UNION ALL
  SELECT n.nspname, CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                        WHEN 'f' THEN 'foreign table' ELSE 'table' END,
         quote_ident(n.nspname) || '.' || quote_ident(c.relname),
         CASE WHEN c.relkind = 'S' THEN 'SEQUENCE ' ELSE 'TABLE ' END || quote_ident(n.nspname) || '.' || quote_ident(c.relname),
         NULL, c.relacl,
         acldefault((CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END)::"char", c.relowner)
  FROM pg_class c JOIN user_ns n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND c.relacl IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
  UNION ALL
  SELECT n.nspname, 'column', quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(a.attname),
         'TABLE ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname), quote_ident(a.attname),
         a.attacl, NULL::aclitem[]
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN user_ns n ON n.oid = c.relnamespace
  WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
  UNION ALL
  SELECT n.nspname, CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END,
         quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || oidvectortypes(p.proargtypes) || ')',
         CASE p.prokind WHEN 'p' THEN 'PROCEDURE ' ELSE 'FUNCTION ' END
           || quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || oidvectortypes(p.proargtypes) || ')',
         NULL, p.proacl, acldefault('f', p.proowner)
  FROM pg_proc p JOIN user_ns n ON n.oid = p.pronamespace
  WHERE p.proacl IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
  UNION ALL
  SELECT n.nspname, 'type', quote_ident(n.nspname) || '.' || quote_ident(t.typname),
         'TYPE ' || quote_ident(n.nspname) || '.' || quote_ident(t.typname), NULL, t.typacl, acldefault('T', t.typowner)
  FROM pg_type t JOIN user_ns n ON n.oid = t.typnamespace
  WHERE t.typacl IS NOT NULL AND t.typtype IN ('e', 'd', 'r', 'c') AND t.typelem = 0
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
), granted AS (
  SELECT o.schema, o.object_kind, o.object, o.sql_object, o.sql_column, x.grantee, x.privilege_type, x.is_grantable
  FROM objects o, aclexplode(o.acl) x
), defaulted AS (
  SELECT o.schema, o.object_kind, o.object, o.sql_object, o.sql_column, x.grantee, x.privilege_type, x.is_grantable
  FROM objects o, aclexplode(o.defaults) x
  WHERE o.defaults IS NOT NULL
)
SELECT coalesce(g.object_kind, d.object_kind) AS object_kind,
       coalesce(g.object, d.object) AS object,
       CASE WHEN coalesce(g.grantee, d.grantee) = 0 THEN 'PUBLIC'
            ELSE pg_get_userbyid(coalesce(g.grantee, d.grantee)) END AS grantee,
       coalesce(g.privilege_type, d.privilege_type) AS privilege,
       CASE WHEN g.grantee IS NULL THEN 'revoked' ELSE 'granted' END AS state,
       coalesce(g.is_grantable, false) AS grantable,
       coalesce(g.schema, d.schema) AS schema,
       coalesce(g.sql_object, d.sql_object) AS sql_object,
       coalesce(g.sql_column, d.sql_column) AS sql_column,
       CASE WHEN coalesce(g.grantee, d.grantee) = 0 THEN 'PUBLIC'
            ELSE quote_ident(pg_get_userbyid(coalesce(g.grantee, d.grantee))) END AS sql_grantee
FROM granted g
FULL JOIN defaulted d
  ON d.object_kind = g.object_kind AND d.object = g.object
 AND d.grantee = g.grantee AND d.privilege_type = g.privilege_type
WHERE g.grantee IS NULL OR d.grantee IS NULL OR g.is_grantable <> d.is_grantable;
