-- comments: COMMENT ON tables, views, sequences, indexes, columns, functions, types, schemas,
-- constraints, triggers and policies. The comment initdb puts on schema public is a default.
WITH user_ns AS (
  SELECT n.oid, n.nspname FROM pg_namespace n
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
), ext AS (
  SELECT classid, objid FROM pg_depend WHERE deptype = 'e'
)
SELECT CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view'
                      WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' WHEN 'i' THEN 'index'
                      WHEN 'I' THEN 'index' WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'type' END
         || CASE WHEN d.objsubid > 0 THEN ' column' ELSE '' END AS object_kind,
       quote_ident(n.nspname) || '.' || quote_ident(c.relname)
         || CASE WHEN d.objsubid > 0 THEN '.' || quote_ident(a.attname) ELSE '' END AS object,
       d.description AS text,
       n.nspname AS schema,
       CASE WHEN d.objsubid > 0 THEN 'COLUMN ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(a.attname)
            ELSE CASE c.relkind WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'TABLE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                WHEN 'S' THEN 'SEQUENCE' WHEN 'i' THEN 'INDEX' WHEN 'I' THEN 'INDEX'
                                WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'c' THEN 'TYPE' END
                 || ' ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) END AS sql_target
FROM pg_description d
JOIN pg_class c ON d.classoid = 'pg_class'::regclass AND c.oid = d.objoid
JOIN user_ns n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0
WHERE (d.objsubid = 0 OR a.attnum IS NOT NULL)
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_class'::regclass AND ext.objid = c.oid)
UNION ALL
SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
       quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || oidvectortypes(p.proargtypes) || ')',
       d.description, n.nspname,
       CASE p.prokind WHEN 'p' THEN 'PROCEDURE ' WHEN 'a' THEN 'AGGREGATE ' ELSE 'FUNCTION ' END
         || quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || oidvectortypes(p.proargtypes) || ')'
FROM pg_description d
JOIN pg_proc p ON d.classoid = 'pg_proc'::regclass AND p.oid = d.objoid
JOIN user_ns n ON n.oid = p.pronamespace
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_proc'::regclass AND ext.objid = p.oid)
UNION ALL
SELECT CASE WHEN t.typtype = 'd' THEN 'domain' ELSE 'type' END,
       quote_ident(n.nspname) || '.' || quote_ident(t.typname), d.description, n.nspname,
       CASE WHEN t.typtype = 'd' THEN 'DOMAIN ' ELSE 'TYPE ' END || quote_ident(n.nspname) || '.' || quote_ident(t.typname)
FROM pg_description d
JOIN pg_type t ON d.classoid = 'pg_type'::regclass AND t.oid = d.objoid
JOIN user_ns n ON n.oid = t.typnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_type'::regclass AND ext.objid = t.oid)
UNION ALL
SELECT 'schema', quote_ident(n.nspname), d.description, n.nspname, 'SCHEMA ' || quote_ident(n.nspname)
FROM pg_description d
JOIN user_ns n ON d.classoid = 'pg_namespace'::regclass AND n.oid = d.objoid
WHERE NOT (n.nspname = 'public' AND d.description = 'standard public schema')
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_namespace'::regclass AND ext.objid = n.oid)
UNION ALL
SELECT 'constraint', quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(k.conname), d.description, n.nspname,
       'CONSTRAINT ' || quote_ident(k.conname) || ' ON ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname)
FROM pg_description d
JOIN pg_constraint k ON d.classoid = 'pg_constraint'::regclass AND k.oid = d.objoid
JOIN pg_class c ON c.oid = k.conrelid
JOIN user_ns n ON n.oid = c.relnamespace
UNION ALL
SELECT 'trigger', quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(t.tgname), d.description, n.nspname,
       'TRIGGER ' || quote_ident(t.tgname) || ' ON ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname)
FROM pg_description d
JOIN pg_trigger t ON d.classoid = 'pg_trigger'::regclass AND t.oid = d.objoid
JOIN pg_class c ON c.oid = t.tgrelid
JOIN user_ns n ON n.oid = c.relnamespace
UNION ALL
SELECT 'policy', quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(p.polname), d.description, n.nspname,
       'POLICY ' || quote_ident(p.polname) || ' ON ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname)
FROM pg_description d
JOIN pg_policy p ON d.classoid = 'pg_policy'::regclass AND p.oid = d.objoid
JOIN pg_class c ON c.oid = p.polrelid
JOIN user_ns n ON n.oid = c.relnamespace;
