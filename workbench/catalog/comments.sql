-- comments: COMMENT ON every object pg_dump comments that a registry kind models, read in one pass
-- over pg_description. pg_identify_object names each object's type and schema, and its address
-- form (pg_identify_object_as_address) the parts of its name; `kinds` below says how this query
-- calls each type (`object_kind`) and how COMMENT ON does (`keyword`). `object` is spelled as the
-- object's builder names it (planner/kinds/<kind>.py `names`): the name's parts quoted and joined
-- by dots, but for a routine (its argument types as oidvectortypes spells them), an operator and a
-- cast (format_type), a type (already formatted), a domain's constraint (domain.constraint), a
-- transform (FOR type LANGUAGE language) and an
-- operator class or family (name USING method). Left out: extension members, system schemas,
-- what initdb made (built-in casts and languages), its comment on schema public and the comment an extension
-- comes with (its control file's: pg_dump writes it, and CREATE EXTENSION makes it again).
WITH kinds (object_type, object_kind, keyword) AS (
  VALUES ('table', 'table', 'TABLE'), ('view', 'view', 'VIEW'), ('materialized view', 'materialized view', 'MATERIALIZED VIEW'),
         ('sequence', 'sequence', 'SEQUENCE'), ('index', 'index', 'INDEX'), ('foreign table', 'foreign table', 'FOREIGN TABLE'),
         ('composite type', 'type', 'TYPE'), ('table column', 'table column', 'COLUMN'), ('view column', 'view column', 'COLUMN'),
         ('materialized view column', 'materialized view column', 'COLUMN'),
         ('foreign table column', 'foreign table column', 'COLUMN'), ('composite type column', 'type column', 'COLUMN'),
         ('function', 'function', 'FUNCTION'), ('procedure', 'procedure', 'PROCEDURE'), ('aggregate', 'aggregate', 'AGGREGATE'),
         ('type', 'type', 'TYPE'), ('schema', 'schema', 'SCHEMA'), ('table constraint', 'constraint', 'CONSTRAINT'),
         ('domain constraint', 'domain constraint', 'CONSTRAINT'), ('trigger', 'trigger', 'TRIGGER'),
         ('policy', 'policy', 'POLICY'), ('rule', 'rule', 'RULE'), ('collation', 'collation', 'COLLATION'),
         ('statistics object', 'statistics', 'STATISTICS'), ('cast', 'cast', 'CAST'),
         ('foreign-data wrapper', 'foreign data wrapper', 'FOREIGN DATA WRAPPER'), ('server', 'server', 'SERVER'),
         ('publication', 'publication', 'PUBLICATION'), ('event trigger', 'event trigger', 'EVENT TRIGGER'),
         ('operator', 'operator', 'OPERATOR'), ('conversion', 'conversion', 'CONVERSION'),
         ('text search parser', 'text search parser', 'TEXT SEARCH PARSER'),
         ('text search template', 'text search template', 'TEXT SEARCH TEMPLATE'),
         ('text search dictionary', 'text search dictionary', 'TEXT SEARCH DICTIONARY'),
         ('text search configuration', 'text search configuration', 'TEXT SEARCH CONFIGURATION'),
         ('operator class', 'operator class', 'OPERATOR CLASS'), ('operator family', 'operator family', 'OPERATOR FAMILY'),
         ('language', 'language', 'LANGUAGE'), ('extension', 'extension', 'EXTENSION'),
         ('access method', 'access method', 'ACCESS METHOD'), ('transform', 'transform', 'TRANSFORM')
), described AS (
  SELECT d.description, d.objoid, k.object_type, k.object_kind, k.keyword, a.object_names AS names, a.object_args AS args,
         coalesce((parse_ident(o.schema))[1],
                  CASE WHEN k.object_type IN ('schema', 'trigger', 'policy', 'rule') THEN a.object_names[1] END) AS schema,
         CASE WHEN t.typtype = 'd' THEN 'domain' END AS domain,
         p.proargtypes, op.oprleft, op.oprright, c.castsource, c.casttarget,
         (SELECT x.comment FROM pg_available_extensions x WHERE k.object_type = 'extension' AND x.name = a.object_names[1])
           AS extension_comment,
         (SELECT string_agg(quote_ident(part), '.' ORDER BY i) FROM unnest(a.object_names) WITH ORDINALITY AS u (part, i))
           AS joined
  FROM pg_description d
  CROSS JOIN LATERAL pg_identify_object(d.classoid, d.objoid, d.objsubid) o
  CROSS JOIN LATERAL pg_identify_object_as_address(d.classoid, d.objoid, d.objsubid) a
  JOIN kinds k ON k.object_type = o.type
  LEFT JOIN pg_type t ON d.classoid = 'pg_type'::regclass AND t.oid = d.objoid
  LEFT JOIN pg_proc p ON d.classoid = 'pg_proc'::regclass AND p.oid = d.objoid
  LEFT JOIN pg_operator op ON d.classoid = 'pg_operator'::regclass AND op.oid = d.objoid
  LEFT JOIN pg_cast c ON d.classoid = 'pg_cast'::regclass AND c.oid = d.objoid
  -- user objects only, before anything is identified: initdb makes every object below FirstNormalObjectId
  -- (16384), and of those only schema public and extension plpgsql can carry a user's comment
  WHERE (d.objoid >= 16384 OR d.classoid IN ('pg_namespace'::regclass, 'pg_extension'::regclass))
    AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = d.classoid AND e.objid = d.objoid AND e.deptype = 'e')
    AND NOT (o.type = 'rule' AND a.object_names[3] = '_RETURN')
), spelled AS (
  SELECT *,
         CASE WHEN proargtypes IS NOT NULL THEN joined || '(' || oidvectortypes(proargtypes) || ')'
              WHEN object_type = 'operator' THEN quote_ident(names[1]) || '.' || names[2] || '('
                   || coalesce(format_type(nullif(oprleft, 0), NULL), 'NONE') || ', ' || format_type(oprright, NULL) || ')'
              WHEN object_type = 'cast' THEN '(' || format_type(castsource, NULL) || ' AS ' || format_type(casttarget, NULL) || ')'
              WHEN object_type = 'type' THEN names[1]
              WHEN object_type = 'domain constraint' THEN names[1] || '.' || quote_ident(args[1])
              WHEN object_type = 'transform' THEN 'FOR ' || names[1] || ' LANGUAGE ' || quote_ident(args[1])
              WHEN object_type IN ('operator class', 'operator family')
                THEN quote_ident(names[2]) || '.' || quote_ident(names[3]) || ' USING ' || quote_ident(names[1])
              ELSE joined END AS object
  FROM described
  WHERE (schema IS NULL OR schema NOT IN ('pg_catalog', 'information_schema')
                           AND schema NOT LIKE 'pg\_toast%' AND schema NOT LIKE 'pg\_temp%')
    AND NOT (object_type = 'schema' AND names[1] = 'public' AND description = 'standard public schema')
    AND description IS DISTINCT FROM extension_comment
)
SELECT coalesce(domain, object_kind) AS object_kind,
       object,
       description AS text,
       schema,
       coalesce(upper(domain), keyword) || ' ' ||
       CASE WHEN object_type IN ('table constraint', 'trigger', 'policy', 'rule')
              THEN quote_ident(names[3]) || ' ON ' || quote_ident(names[1]) || '.' || quote_ident(names[2])
            WHEN object_type = 'domain constraint' THEN quote_ident(args[1]) || ' ON DOMAIN ' || names[1]
            WHEN object_type = 'operator' THEN quote_ident(names[1]) || '.' || names[2] || ' ('
                 || coalesce(format_type(nullif(oprleft, 0), NULL), 'NONE') || ', ' || format_type(oprright, NULL) || ')'
            ELSE object END AS sql_target,
       extension_comment AS default_text      -- what a target-only comment goes back to (else NULL)
FROM spelled;
