-- text_search_configurations: CREATE TEXT SEARCH CONFIGURATION objects made by users, not by an
-- extension. parser: schema-qualified. mappings: the token types mapped, each with its dictionaries
-- in order, as a JSON list of [token type, "schema"."dictionary", ...] in token type order.
SELECT n.nspname AS schema,
       c.cfgname AS name,
       quote_ident(pn.nspname) || '.' || quote_ident(p.prsname) AS parser,
       pn.nspname AS parser_schema,
       p.prsname AS parser_name,
       (SELECT coalesce(json_agg(m.mapping ORDER BY m.tokentype), '[]')::text
        FROM (SELECT cm.maptokentype AS tokentype,
                     (SELECT tt.alias FROM ts_token_type(c.cfgparser) tt WHERE tt.tokid = cm.maptokentype)
                     || array_agg(quote_ident(dn.nspname) || '.' || quote_ident(dd.dictname) ORDER BY cm.mapseqno)
                       AS mapping
              FROM pg_ts_config_map cm
              JOIN pg_ts_dict dd ON dd.oid = cm.mapdict
              JOIN pg_namespace dn ON dn.oid = dd.dictnamespace
              WHERE cm.mapcfg = c.oid
              GROUP BY cm.maptokentype) m) AS mappings,
       pg_get_userbyid(c.cfgowner) AS owner,
       c.oid::bigint AS oid
FROM pg_ts_config c
JOIN pg_namespace n ON n.oid = c.cfgnamespace
JOIN pg_ts_parser p ON p.oid = c.cfgparser
JOIN pg_namespace pn ON pn.oid = p.prsnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_ts_config'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e');
