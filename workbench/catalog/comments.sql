-- comments: COMMENT ON tables, views, sequences, indexes, columns, functions, types, schemas,
-- constraints, triggers, policies, and of the kinds with a registry entry since: collations,
-- extended statistics, casts, foreign data wrappers, servers, publications, rules, event triggers,
-- operators, operator classes and families, conversions, text search objects, languages. The comment initdb puts on schema public is a default. `object` is
-- spelled as the object's builder names it (planner/kinds/<kind>.py `names`).
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
JOIN user_ns n ON n.oid = c.relnamespace
UNION ALL
SELECT 'collation', quote_ident(n.nspname) || '.' || quote_ident(c.collname), d.description, n.nspname,
       'COLLATION ' || quote_ident(n.nspname) || '.' || quote_ident(c.collname)
FROM pg_description d
JOIN pg_collation c ON d.classoid = 'pg_collation'::regclass AND c.oid = d.objoid
JOIN user_ns n ON n.oid = c.collnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_collation'::regclass AND ext.objid = c.oid)
UNION ALL
SELECT 'statistics', quote_ident(n.nspname) || '.' || quote_ident(s.stxname), d.description, n.nspname,
       'STATISTICS ' || quote_ident(n.nspname) || '.' || quote_ident(s.stxname)
FROM pg_description d
JOIN pg_statistic_ext s ON d.classoid = 'pg_statistic_ext'::regclass AND s.oid = d.objoid
JOIN user_ns n ON n.oid = s.stxnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_statistic_ext'::regclass AND ext.objid = s.oid)
UNION ALL
SELECT 'cast', '(' || format_type(c.castsource, NULL) || ' AS ' || format_type(c.casttarget, NULL) || ')', d.description,
       NULL, 'CAST (' || format_type(c.castsource, NULL) || ' AS ' || format_type(c.casttarget, NULL) || ')'
FROM pg_description d
JOIN pg_cast c ON d.classoid = 'pg_cast'::regclass AND c.oid = d.objoid
WHERE c.oid >= 16384
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_cast'::regclass AND ext.objid = c.oid)
UNION ALL
SELECT 'foreign data wrapper', quote_ident(w.fdwname), d.description, NULL, 'FOREIGN DATA WRAPPER ' || quote_ident(w.fdwname)
FROM pg_description d
JOIN pg_foreign_data_wrapper w ON d.classoid = 'pg_foreign_data_wrapper'::regclass AND w.oid = d.objoid
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_foreign_data_wrapper'::regclass AND ext.objid = w.oid)
UNION ALL
SELECT 'server', quote_ident(s.srvname), d.description, NULL, 'SERVER ' || quote_ident(s.srvname)
FROM pg_description d
JOIN pg_foreign_server s ON d.classoid = 'pg_foreign_server'::regclass AND s.oid = d.objoid
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_foreign_server'::regclass AND ext.objid = s.oid)
UNION ALL
SELECT 'publication', quote_ident(p.pubname), d.description, NULL, 'PUBLICATION ' || quote_ident(p.pubname)
FROM pg_description d
JOIN pg_publication p ON d.classoid = 'pg_publication'::regclass AND p.oid = d.objoid
UNION ALL
SELECT 'rule', quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(r.rulename), d.description,
       n.nspname, 'RULE ' || quote_ident(r.rulename) || ' ON ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname)
FROM pg_description d
JOIN pg_rewrite r ON d.classoid = 'pg_rewrite'::regclass AND r.oid = d.objoid AND r.rulename <> '_RETURN'
JOIN pg_class c ON c.oid = r.ev_class
JOIN user_ns n ON n.oid = c.relnamespace
UNION ALL
SELECT 'event trigger', quote_ident(e.evtname), d.description, NULL, 'EVENT TRIGGER ' || quote_ident(e.evtname)
FROM pg_description d
JOIN pg_event_trigger e ON d.classoid = 'pg_event_trigger'::regclass AND e.oid = d.objoid
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_event_trigger'::regclass AND ext.objid = e.oid)
UNION ALL
SELECT 'operator', quote_ident(n.nspname) || '.' || o.oprname || '(' || coalesce(format_type(nullif(o.oprleft, 0), NULL), 'NONE')
         || ', ' || format_type(o.oprright, NULL) || ')', d.description, n.nspname,
       'OPERATOR ' || quote_ident(n.nspname) || '.' || o.oprname || ' (' || coalesce(format_type(nullif(o.oprleft, 0), NULL), 'NONE')
         || ', ' || format_type(o.oprright, NULL) || ')'
FROM pg_description d
JOIN pg_operator o ON d.classoid = 'pg_operator'::regclass AND o.oid = d.objoid
JOIN user_ns n ON n.oid = o.oprnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_operator'::regclass AND ext.objid = o.oid)
UNION ALL
SELECT 'conversion', quote_ident(n.nspname) || '.' || quote_ident(c.conname), d.description, n.nspname,
       'CONVERSION ' || quote_ident(n.nspname) || '.' || quote_ident(c.conname)
FROM pg_description d
JOIN pg_conversion c ON d.classoid = 'pg_conversion'::regclass AND c.oid = d.objoid
JOIN user_ns n ON n.oid = c.connamespace
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_conversion'::regclass AND ext.objid = c.oid)
UNION ALL
SELECT 'text search parser', quote_ident(n.nspname) || '.' || quote_ident(x.prsname), d.description, n.nspname,
       'TEXT SEARCH PARSER ' || quote_ident(n.nspname) || '.' || quote_ident(x.prsname)
FROM pg_description d
JOIN pg_ts_parser x ON d.classoid = 'pg_ts_parser'::regclass AND x.oid = d.objoid
JOIN user_ns n ON n.oid = x.prsnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_ts_parser'::regclass AND ext.objid = x.oid)
UNION ALL
SELECT 'text search template', quote_ident(n.nspname) || '.' || quote_ident(x.tmplname), d.description, n.nspname,
       'TEXT SEARCH TEMPLATE ' || quote_ident(n.nspname) || '.' || quote_ident(x.tmplname)
FROM pg_description d
JOIN pg_ts_template x ON d.classoid = 'pg_ts_template'::regclass AND x.oid = d.objoid
JOIN user_ns n ON n.oid = x.tmplnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_ts_template'::regclass AND ext.objid = x.oid)
UNION ALL
SELECT 'text search dictionary', quote_ident(n.nspname) || '.' || quote_ident(x.dictname), d.description, n.nspname,
       'TEXT SEARCH DICTIONARY ' || quote_ident(n.nspname) || '.' || quote_ident(x.dictname)
FROM pg_description d
JOIN pg_ts_dict x ON d.classoid = 'pg_ts_dict'::regclass AND x.oid = d.objoid
JOIN user_ns n ON n.oid = x.dictnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_ts_dict'::regclass AND ext.objid = x.oid)
UNION ALL
SELECT 'text search configuration', quote_ident(n.nspname) || '.' || quote_ident(x.cfgname), d.description, n.nspname,
       'TEXT SEARCH CONFIGURATION ' || quote_ident(n.nspname) || '.' || quote_ident(x.cfgname)
FROM pg_description d
JOIN pg_ts_config x ON d.classoid = 'pg_ts_config'::regclass AND x.oid = d.objoid
JOIN user_ns n ON n.oid = x.cfgnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_ts_config'::regclass AND ext.objid = x.oid)
UNION ALL
SELECT 'operator class', quote_ident(n.nspname) || '.' || quote_ident(x.opcname) || ' USING ' || quote_ident(am.amname),
       d.description, n.nspname,
       'OPERATOR CLASS ' || quote_ident(n.nspname) || '.' || quote_ident(x.opcname) || ' USING ' || quote_ident(am.amname)
FROM pg_description d
JOIN pg_opclass x ON d.classoid = 'pg_opclass'::regclass AND x.oid = d.objoid
JOIN user_ns n ON n.oid = x.opcnamespace
JOIN pg_am am ON am.oid = x.opcmethod
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_opclass'::regclass AND ext.objid = x.oid)
UNION ALL
SELECT 'operator family', quote_ident(n.nspname) || '.' || quote_ident(x.opfname) || ' USING ' || quote_ident(am.amname),
       d.description, n.nspname,
       'OPERATOR FAMILY ' || quote_ident(n.nspname) || '.' || quote_ident(x.opfname) || ' USING ' || quote_ident(am.amname)
FROM pg_description d
JOIN pg_opfamily x ON d.classoid = 'pg_opfamily'::regclass AND x.oid = d.objoid
JOIN user_ns n ON n.oid = x.opfnamespace
JOIN pg_am am ON am.oid = x.opfmethod
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_opfamily'::regclass AND ext.objid = x.oid)
UNION ALL
SELECT 'language', quote_ident(l.lanname), d.description, NULL, 'LANGUAGE ' || quote_ident(l.lanname)
FROM pg_description d
JOIN pg_language l ON d.classoid = 'pg_language'::regclass AND l.oid = d.objoid
WHERE l.oid >= 16384
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_language'::regclass AND ext.objid = l.oid);
