-- text_search_dictionaries: CREATE TEXT SEARCH DICTIONARY objects made by users, not by an extension
-- (unaccent's own dictionary is the extension's). template: schema-qualified; options: the
-- dictionary's options as the catalog keeps them (`language = 'english', stopwords = 'english'`).
SELECT n.nspname AS schema,
       d.dictname AS name,
       quote_ident(tn.nspname) || '.' || quote_ident(t.tmplname) AS template,
       tn.nspname AS template_schema,
       t.tmplname AS template_name,
       d.dictinitoption AS options,
       pg_get_userbyid(d.dictowner) AS owner,
       d.oid::bigint AS oid
FROM pg_ts_dict d
JOIN pg_namespace n ON n.oid = d.dictnamespace
JOIN pg_ts_template t ON t.oid = d.dicttemplate
JOIN pg_namespace tn ON tn.oid = t.tmplnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = 'pg_ts_dict'::regclass
                  AND dep.objid = d.oid AND dep.deptype = 'e');
