-- census: every user object of the kinds PostgreSQL has beyond the registry's first fifteen (tables,
-- columns, views, functions, ... are counted by their own queries), one row each: (kind, catalog,
-- schema, name). A kind is named as its registry entry is (or will be) named in kinds.py: census.py
-- keeps the names of the kinds no entry models when it reads them, so a branch here whose kind gets
-- an entry costs a few rows and reports nothing. User objects: outside the system schemas,
-- not members of an extension (pg_depend deptype 'e'), not made implicitly for another object
-- (deptype 'i': identity sequences, array and multirange types, a view's _RETURN rule), and for the
-- catalogs without a schema, not built in (oid >= 16384, FirstNormalObjectId). Every catalog read
-- here is readable by any role (a capture needs no superuser).
WITH ext AS (
  SELECT classid, objid FROM pg_depend WHERE deptype = 'e'
), internal AS (
  SELECT classid, objid FROM pg_depend WHERE deptype = 'i'
), user_ns AS (
  SELECT oid, nspname FROM pg_namespace
  WHERE nspname NOT IN ('pg_catalog', 'information_schema')
    AND nspname NOT LIKE 'pg\_toast%' AND nspname NOT LIKE 'pg\_temp%'
), objects AS (
  SELECT CASE WHEN t.typtype = 'b' THEN 'base_types' ELSE 'shell_types' END AS kind,
         'pg_type' AS catalog, n.nspname AS schema, quote_ident(n.nspname) || '.' || quote_ident(t.typname) AS name
  FROM pg_type t JOIN user_ns n ON n.oid = t.typnamespace
  WHERE t.typtype IN ('b', 'p')
    AND NOT (t.typtype = 'b' AND t.typelem <> 0 AND EXISTS (SELECT 1 FROM pg_type e WHERE e.oid = t.typelem AND e.typarray = t.oid))
    AND t.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_type'::regclass)
    AND t.oid NOT IN (SELECT objid FROM internal WHERE classid = 'pg_type'::regclass)
  UNION ALL
  SELECT 'collations', 'pg_collation', n.nspname, quote_ident(n.nspname) || '.' || quote_ident(c.collname)
  FROM pg_collation c JOIN user_ns n ON n.oid = c.collnamespace
  WHERE c.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_collation'::regclass)
  UNION ALL
  SELECT 'conversions', 'pg_conversion', n.nspname, quote_ident(n.nspname) || '.' || quote_ident(c.conname)
  FROM pg_conversion c JOIN user_ns n ON n.oid = c.connamespace
  WHERE c.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_conversion'::regclass)
  UNION ALL
  SELECT 'operators', 'pg_operator', n.nspname,
         quote_ident(n.nspname) || '.' || o.oprname || '(' || coalesce(format_type(nullif(o.oprleft, 0), NULL), 'NONE')
         || ', ' || coalesce(format_type(nullif(o.oprright, 0), NULL), 'NONE') || ')'
  FROM pg_operator o JOIN user_ns n ON n.oid = o.oprnamespace
  WHERE o.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_operator'::regclass)
  UNION ALL
  SELECT 'operator_classes', 'pg_opclass', n.nspname,
         quote_ident(n.nspname) || '.' || quote_ident(c.opcname) || ' USING ' || am.amname
  FROM pg_opclass c JOIN user_ns n ON n.oid = c.opcnamespace JOIN pg_am am ON am.oid = c.opcmethod
  WHERE c.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_opclass'::regclass)
  UNION ALL
  SELECT 'operator_families', 'pg_opfamily', n.nspname,
         quote_ident(n.nspname) || '.' || quote_ident(f.opfname) || ' USING ' || am.amname
  FROM pg_opfamily f JOIN user_ns n ON n.oid = f.opfnamespace JOIN pg_am am ON am.oid = f.opfmethod
  WHERE f.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_opfamily'::regclass)
  UNION ALL
  SELECT 'text_search_configurations', 'pg_ts_config', n.nspname, quote_ident(n.nspname) || '.' || quote_ident(c.cfgname)
  FROM pg_ts_config c JOIN user_ns n ON n.oid = c.cfgnamespace
  WHERE c.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_ts_config'::regclass)
  UNION ALL
  SELECT 'text_search_dictionaries', 'pg_ts_dict', n.nspname, quote_ident(n.nspname) || '.' || quote_ident(d.dictname)
  FROM pg_ts_dict d JOIN user_ns n ON n.oid = d.dictnamespace
  WHERE d.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_ts_dict'::regclass)
  UNION ALL
  SELECT 'text_search_parsers', 'pg_ts_parser', n.nspname, quote_ident(n.nspname) || '.' || quote_ident(p.prsname)
  FROM pg_ts_parser p JOIN user_ns n ON n.oid = p.prsnamespace
  WHERE p.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_ts_parser'::regclass)
  UNION ALL
  SELECT 'text_search_templates', 'pg_ts_template', n.nspname, quote_ident(n.nspname) || '.' || quote_ident(t.tmplname)
  FROM pg_ts_template t JOIN user_ns n ON n.oid = t.tmplnamespace
  WHERE t.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_ts_template'::regclass)
  UNION ALL
  SELECT 'extended_statistics', 'pg_statistic_ext', n.nspname, quote_ident(n.nspname) || '.' || quote_ident(s.stxname)
  FROM pg_statistic_ext s JOIN user_ns n ON n.oid = s.stxnamespace
  WHERE s.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_statistic_ext'::regclass)
  UNION ALL
  SELECT 'rules', 'pg_rewrite', n.nspname,
         quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(r.rulename)
  FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN user_ns n ON n.oid = c.relnamespace
  WHERE r.rulename <> '_RETURN'
    AND r.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_rewrite'::regclass)
  UNION ALL
  SELECT 'casts', 'pg_cast', NULL, '(' || format_type(c.castsource, NULL) || ' AS ' || format_type(c.casttarget, NULL) || ')'
  FROM pg_cast c
  WHERE c.oid >= 16384 AND c.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_cast'::regclass)
  UNION ALL
  SELECT 'languages', 'pg_language', NULL, quote_ident(l.lanname)
  FROM pg_language l
  WHERE l.oid >= 16384 AND l.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_language'::regclass)
  UNION ALL
  SELECT 'access_methods', 'pg_am', NULL, quote_ident(a.amname)
  FROM pg_am a
  WHERE a.oid >= 16384 AND a.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_am'::regclass)
  UNION ALL
  SELECT 'transforms', 'pg_transform', NULL,
         'FOR ' || format_type(t.trftype, NULL) || ' LANGUAGE ' || quote_ident(l.lanname)
  FROM pg_transform t JOIN pg_language l ON l.oid = t.trflang
  WHERE t.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_transform'::regclass)
  UNION ALL
  SELECT 'foreign_data_wrappers', 'pg_foreign_data_wrapper', NULL, quote_ident(w.fdwname)
  FROM pg_foreign_data_wrapper w
  WHERE w.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_foreign_data_wrapper'::regclass)
  UNION ALL
  SELECT 'foreign_servers', 'pg_foreign_server', NULL, quote_ident(s.srvname)
  FROM pg_foreign_server s
  WHERE s.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_foreign_server'::regclass)
  UNION ALL
  SELECT 'user_mappings', 'pg_user_mapping', NULL,
         CASE WHEN m.umuser = 0 THEN 'PUBLIC' ELSE quote_ident(m.usename) END || ' SERVER ' || quote_ident(m.srvname)
  FROM pg_user_mappings m                -- the view: pg_user_mapping itself is for superusers only
  UNION ALL
  SELECT 'publications', 'pg_publication', NULL, quote_ident(p.pubname)
  FROM pg_publication p
  UNION ALL
  SELECT 'subscriptions', 'pg_subscription', NULL, quote_ident(s.subname)
  FROM pg_subscription s WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
  UNION ALL
  SELECT 'event_triggers', 'pg_event_trigger', NULL, quote_ident(e.evtname)
  FROM pg_event_trigger e
  WHERE e.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_event_trigger'::regclass)
  UNION ALL
  SELECT 'default_privileges', 'pg_default_acl', n.nspname,
         'FOR ROLE ' || quote_ident(pg_get_userbyid(d.defaclrole)) || coalesce(' IN SCHEMA ' || quote_ident(n.nspname), '')
         || ' ON ' || CASE d.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS'
                                           WHEN 'T' THEN 'TYPES' WHEN 'n' THEN 'SCHEMAS' ELSE 'LARGE OBJECTS' END
  FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
  UNION ALL
  SELECT 'security_labels', 'pg_seclabel', NULL,
         s.provider || ' ON ' || pg_describe_object(s.classoid, s.objoid, s.objsubid)
  FROM pg_seclabel s
  WHERE s.classoid <> 'pg_namespace'::regclass OR s.objoid NOT IN (SELECT oid FROM pg_namespace WHERE nspname IN ('pg_catalog', 'information_schema'))
  UNION ALL
  -- ownership: objects a role other than the database's owner owns (how the design's `ownership`
  -- kind will compare them; until it exists, a change of owner is at least counted)
  SELECT 'ownership', o.catalog, o.schema, o.name || ' OWNER ' || quote_ident(pg_get_userbyid(o.owner))
  FROM (SELECT 'pg_class' AS catalog, n.nspname AS schema, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name,
               c.relowner AS owner
        FROM pg_class c JOIN user_ns n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
          AND c.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_class'::regclass)
          AND c.oid NOT IN (SELECT objid FROM internal WHERE classid = 'pg_class'::regclass)
        UNION ALL
        SELECT 'pg_proc', n.nspname, quote_ident(n.nspname) || '.' || quote_ident(p.proname)
               || '(' || oidvectortypes(p.proargtypes) || ')', p.proowner
        FROM pg_proc p JOIN user_ns n ON n.oid = p.pronamespace
        WHERE p.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_proc'::regclass)
        UNION ALL
        SELECT 'pg_type', n.nspname, quote_ident(n.nspname) || '.' || quote_ident(t.typname), t.typowner
        FROM pg_type t JOIN user_ns n ON n.oid = t.typnamespace
        WHERE t.typtype IN ('e', 'd', 'r', 'b') AND t.typrelid = 0 AND t.typelem = 0
          AND t.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_type'::regclass)
          AND t.oid NOT IN (SELECT objid FROM internal WHERE classid = 'pg_type'::regclass)
        UNION ALL
        SELECT 'pg_namespace', n.nspname, quote_ident(n.nspname), s.nspowner
        FROM user_ns n JOIN pg_namespace s ON s.oid = n.oid
        WHERE n.nspname <> 'public' AND n.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_namespace'::regclass)
       ) o
  WHERE o.owner <> (SELECT datdba FROM pg_database WHERE datname = current_database())
)
SELECT kind, catalog, schema, name FROM objects
