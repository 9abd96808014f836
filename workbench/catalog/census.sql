-- census: every user object of the kinds PostgreSQL has beyond the registry's first fifteen (tables,
-- columns, views, functions, ... are counted by their own queries), one row each: (kind, catalog,
-- schema, name). A kind is named as its registry entry is (or will be) named in kinds.py: census.py
-- keeps the names of the kinds no entry models when it reads them, so a line here whose kind gets
-- an entry costs a few rows and reports nothing. Every catalog read here is readable by any role
-- (a capture needs no superuser).
--
-- One line per catalog names its objects (catalog, oid, namespace or 0, kind, name, owner); what
-- makes an object a user object is decided once, below, for all of them: outside the system
-- schemas, not a member of an extension (pg_depend deptype 'e'), not made implicitly for another
-- object (deptype 'i': identity sequences, array and multirange types, a range's constructors, a
-- view's _RETURN rule), not built in (oid >= 16384, FirstNormalObjectId). A line whose kind is NULL
-- only names owned objects that a registry kind counts (tables, routines, ...): they are counted
-- here for their owner alone, as `ownership`, when a role other than the database's owner owns
-- them (how the owned kinds' `owner` column compares them with --with-owners).
WITH objects (catalog, oid, namespace, kind, name, owner) AS (
  SELECT 'pg_type'::regclass, t.oid, t.typnamespace,
         CASE t.typtype WHEN 'b' THEN 'base_types' WHEN 'p' THEN 'shell_types' END, quote_ident(t.typname),
         CASE WHEN t.typtype IN ('e', 'd', 'r', 'b') AND t.typrelid = 0 AND t.typelem = 0 THEN t.typowner END
    FROM pg_type t
   WHERE t.typtype IN ('b', 'p', 'e', 'd', 'r')
     AND NOT (t.typtype = 'b' AND t.typelem <> 0 AND EXISTS (SELECT FROM pg_type e WHERE e.oid = t.typelem AND e.typarray = t.oid))
  UNION ALL SELECT 'pg_class'::regclass, oid, relnamespace, NULL, quote_ident(relname), relowner FROM pg_class WHERE relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
  UNION ALL SELECT 'pg_proc'::regclass, oid, pronamespace, NULL, quote_ident(proname) || '(' || oidvectortypes(proargtypes) || ')', proowner FROM pg_proc
  UNION ALL SELECT 'pg_namespace'::regclass, oid, oid, NULL, quote_ident(nspname), nspowner FROM pg_namespace WHERE nspname <> 'public'
  UNION ALL SELECT 'pg_collation'::regclass, oid, collnamespace, 'collations', quote_ident(collname), NULL FROM pg_collation
  UNION ALL SELECT 'pg_conversion'::regclass, oid, connamespace, 'conversions', quote_ident(conname), NULL FROM pg_conversion
  UNION ALL SELECT 'pg_operator'::regclass, oid, oprnamespace, 'operators', oprname || '(' || coalesce(format_type(nullif(oprleft, 0), NULL), 'NONE')
                   || ', ' || coalesce(format_type(nullif(oprright, 0), NULL), 'NONE') || ')', NULL FROM pg_operator
  UNION ALL SELECT 'pg_opclass'::regclass, c.oid, opcnamespace, 'operator_classes', quote_ident(opcname) || ' USING ' || amname, NULL
              FROM pg_opclass c JOIN pg_am am ON am.oid = c.opcmethod
  UNION ALL SELECT 'pg_opfamily'::regclass, f.oid, opfnamespace, 'operator_families', quote_ident(opfname) || ' USING ' || amname, NULL
              FROM pg_opfamily f JOIN pg_am am ON am.oid = f.opfmethod
  UNION ALL SELECT 'pg_ts_config'::regclass, oid, cfgnamespace, 'text_search_configurations', quote_ident(cfgname), NULL FROM pg_ts_config
  UNION ALL SELECT 'pg_ts_dict'::regclass, oid, dictnamespace, 'text_search_dictionaries', quote_ident(dictname), NULL FROM pg_ts_dict
  UNION ALL SELECT 'pg_ts_parser'::regclass, oid, prsnamespace, 'text_search_parsers', quote_ident(prsname), NULL FROM pg_ts_parser
  UNION ALL SELECT 'pg_ts_template'::regclass, oid, tmplnamespace, 'text_search_templates', quote_ident(tmplname), NULL FROM pg_ts_template
  UNION ALL SELECT 'pg_statistic_ext'::regclass, oid, stxnamespace, 'extended_statistics', quote_ident(stxname), NULL FROM pg_statistic_ext
  UNION ALL SELECT 'pg_rewrite'::regclass, r.oid, c.relnamespace, 'rules', quote_ident(c.relname) || '.' || quote_ident(r.rulename), NULL
              FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class WHERE r.rulename <> '_RETURN'
  UNION ALL SELECT 'pg_cast'::regclass, oid, 0, 'casts', '(' || format_type(castsource, NULL) || ' AS ' || format_type(casttarget, NULL) || ')', NULL FROM pg_cast
  UNION ALL SELECT 'pg_language'::regclass, oid, 0, 'languages', quote_ident(lanname), NULL FROM pg_language
  UNION ALL SELECT 'pg_am'::regclass, oid, 0, 'access_methods', quote_ident(amname), NULL FROM pg_am
  UNION ALL SELECT 'pg_transform'::regclass, t.oid, 0, 'transforms', 'FOR ' || format_type(trftype, NULL) || ' LANGUAGE ' || quote_ident(lanname), NULL
              FROM pg_transform t JOIN pg_language l ON l.oid = t.trflang
  UNION ALL SELECT 'pg_foreign_data_wrapper'::regclass, oid, 0, 'foreign_data_wrappers', quote_ident(fdwname), NULL FROM pg_foreign_data_wrapper
  UNION ALL SELECT 'pg_foreign_server'::regclass, oid, 0, 'foreign_servers', quote_ident(srvname), NULL FROM pg_foreign_server
  -- the view: pg_user_mapping itself is for superusers only
  UNION ALL SELECT 'pg_user_mapping'::regclass, umid, 0, 'user_mappings',
                   CASE WHEN umuser = 0 THEN 'PUBLIC' ELSE quote_ident(usename) END || ' SERVER ' || quote_ident(srvname), NULL FROM pg_user_mappings
  UNION ALL SELECT 'pg_publication'::regclass, oid, 0, 'publications', quote_ident(pubname), NULL FROM pg_publication
  UNION ALL SELECT 'pg_subscription'::regclass, oid, 0, 'subscriptions', quote_ident(subname), NULL FROM pg_subscription
             WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
  UNION ALL SELECT 'pg_event_trigger'::regclass, oid, 0, 'event_triggers', quote_ident(evtname), NULL FROM pg_event_trigger
  UNION ALL SELECT 'pg_default_acl'::regclass, oid, defaclnamespace, 'default_privileges',
                   'FOR ROLE ' || quote_ident(pg_get_userbyid(defaclrole)) || coalesce(' IN SCHEMA ' || nullif(defaclnamespace, 0)::regnamespace::text, '')
                   || ' ON ' || CASE defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS'
                                                   WHEN 'T' THEN 'TYPES' WHEN 'n' THEN 'SCHEMAS' ELSE 'LARGE OBJECTS' END, NULL
              FROM pg_default_acl
  -- a label is on another object (objoid): a user object's labels, whatever its catalog
  UNION ALL SELECT 'pg_seclabel'::regclass, objoid, 0, 'security_labels', provider || ' ON ' || pg_describe_object(classoid, objoid, objsubid), NULL
              FROM pg_seclabel
), user_objects AS (
  SELECT o.*, n.nspname AS schema
    FROM objects o LEFT JOIN pg_namespace n ON n.oid = o.namespace AND o.namespace <> 0
   WHERE o.oid >= 16384
     AND (o.namespace = 0 OR (n.nspname NOT IN ('pg_catalog', 'information_schema')
                              AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'))
     AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = o.catalog AND d.objid = o.oid AND d.deptype IN ('e', 'i'))
)
SELECT r.kind, o.catalog::text AS catalog, o.schema,
       CASE WHEN o.namespace = 0 OR o.catalog IN ('pg_namespace'::regclass, 'pg_default_acl'::regclass) THEN o.name
            ELSE quote_ident(o.schema) || '.' || o.name END || r.suffix AS name
  FROM user_objects o
  CROSS JOIN LATERAL (VALUES (o.kind, ''),
                             (CASE WHEN o.owner <> (SELECT datdba FROM pg_database WHERE datname = current_database())
                                   THEN 'ownership' END, ' OWNER ' || quote_ident(pg_get_userbyid(o.owner)))) AS r (kind, suffix)
 WHERE r.kind IS NOT NULL
