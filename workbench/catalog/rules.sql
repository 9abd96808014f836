-- rules: CREATE RULE objects on tables and views (a view's own _RETURN rule is its definition, not a
-- rule), not made by an extension. Identified like the other objects on a relation: (schema, table,
-- name). enabled: the ALTER TABLE ... ENABLE/DISABLE RULE state. relations: the other relations the
-- rule's actions read or write (pg_depend), as a JSON list of [schema, name]: dropped after the rule.
SELECT n.nspname AS schema,
       c.relname AS "table",
       r.rulename AS name,
       rtrim(pg_get_ruledef(r.oid), ';') AS definition,
       CASE r.ev_enabled WHEN 'O' THEN 'enabled' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'
                         WHEN 'A' THEN 'always' END AS enabled,
       CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'table' END AS table_kind,
       (SELECT coalesce(json_agg(DISTINCT jsonb_build_array(dn.nspname::text, dc.relname::text)), '[]')::text
        FROM pg_depend d JOIN pg_class dc ON dc.oid = d.refobjid JOIN pg_namespace dn ON dn.oid = dc.relnamespace
        WHERE d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass
          AND d.refobjid <> r.ev_class AND d.deptype = 'n') AS relations,
       c.oid::bigint AS table_oid
FROM pg_rewrite r
JOIN pg_class c ON c.oid = r.ev_class
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE r.rulename <> '_RETURN'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_rewrite'::regclass
                  AND d.objid = r.oid AND d.deptype = 'e');
