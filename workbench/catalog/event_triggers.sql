-- event_triggers: CREATE EVENT TRIGGER objects (database-wide: schema is NULL), not made by an
-- extension. tags: the WHEN TAG IN (...) filter as a JSON list (NULL: every command). enabled: the
-- ALTER EVENT TRIGGER state (enabled = fires in origin and local sessions).
SELECT e.evtname AS name,
       NULL::text AS schema,
       e.evtevent AS event,
       quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '()' AS function,
       n.nspname AS function_schema,
       p.proname AS function_name,
       CASE WHEN e.evttags IS NOT NULL THEN array_to_json(e.evttags)::text END AS tags,
       CASE e.evtenabled WHEN 'O' THEN 'enabled' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'
                         WHEN 'A' THEN 'always' END AS enabled,
       pg_get_userbyid(e.evtowner) AS owner,
       e.oid::bigint AS oid
FROM pg_event_trigger e
JOIN pg_proc p ON p.oid = e.evtfoid
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_event_trigger'::regclass
                  AND d.objid = e.oid AND d.deptype = 'e');
