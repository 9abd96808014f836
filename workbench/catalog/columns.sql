-- columns: the columns of tables (ordinary, partitioned, foreign); a view's columns are its definition
-- the user functions each attrdef calls (pg_depend), aggregated once: create them before it, drop it first
WITH used_functions AS MATERIALIZED (
  SELECT d.objid, json_agg(DISTINCT jsonb_build_array('functions', pn.nspname, p.proname, oidvectortypes(p.proargtypes)))::text AS list
  FROM pg_depend d JOIN pg_proc p ON p.oid = d.refobjid JOIN pg_namespace pn ON pn.oid = p.pronamespace
  WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_proc'::regclass AND d.deptype = 'n'
    AND pn.nspname NOT IN ('pg_catalog', 'information_schema')
  GROUP BY d.objid
)
SELECT n.nspname AS schema,
       c.relname AS "table",
       a.attname AS name,
       a.attnum AS position,
       format_type(a.atttypid, a.atttypmod) AS data_type,
       a.attnotnull AS not_null,
       CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS default_value,
       CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' ELSE '' END AS identity,
       CASE WHEN a.attgenerated <> '' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS generated,
       CASE a.attgenerated WHEN 's' THEN 'stored' WHEN 'v' THEN 'virtual' ELSE '' END AS generated_kind,
       quote_ident(cn.nspname) || '.' || quote_ident(co.collname) AS collation,
       -- PostgreSQL 18 keeps NOT NULL as a named constraint: its name when it is not the one PostgreSQL
       -- chooses (table_column_not_null), which is when pg_dump writes `CONSTRAINT name NOT NULL`
       -- (compared only between two servers that have such names: kinds.py `since`)
       CASE WHEN nn.conname <> c.relname || '_' || a.attname || '_not_null' THEN nn.conname::text END AS not_null_name,
       coalesce(nn.coninhcount > 0, false) AS not_null_inherited,
       -- NOT NULL ... NO INHERIT (PostgreSQL 18; false before: no such constraint rows, kinds.py `since`)
       coalesce(nn.connoinherit, false) AS not_null_no_inherit,
       -- SET STATISTICS: NULL for the default (-1 before PostgreSQL 17, NULL since)
       CASE WHEN a.attstattarget >= 0 THEN a.attstattarget::int END AS statistics,
       -- SET STORAGE: only when it is not the type's own (pg_dump writes it then)
       CASE WHEN a.attstorage <> t.typstorage THEN
         CASE a.attstorage WHEN 'p' THEN 'plain' WHEN 'e' THEN 'external' WHEN 'm' THEN 'main' WHEN 'x' THEN 'extended' END
       END AS storage,
       CASE t.typstorage WHEN 'p' THEN 'plain' WHEN 'e' THEN 'external' WHEN 'm' THEN 'main' WHEN 'x' THEN 'extended' END
         AS type_storage,
       -- SET COMPRESSION: NULL for the server's default_toast_compression
       CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' END AS compression,
       -- SET (n_distinct=..., n_distinct_inherited=...): attribute options as `key=value,...` (as reloptions),
       -- less pg_attver, which some PostgreSQL 15 builds (Debian's 15.20) keep on every column for themselves
       -- (their pg_dump leaves it out)
       CASE WHEN a.attoptions IS NOT NULL THEN
         nullif(array_to_string(ARRAY(SELECT o FROM unnest(a.attoptions) o WHERE o NOT LIKE 'pg\_attver=%'), ','), '')
       END AS attribute_options,
       -- an identity column's sequence (it belongs to the column, not to the sequences kind): its name,
       -- and its options as pg_dump writes them (NO MINVALUE / NO MAXVALUE for the defaults of its type
       -- and direction), which is also how GENERATED ... AS IDENTITY (...) takes them
       CASE WHEN seq.seqrelid IS NOT NULL THEN quote_ident(seq.nspname) || '.' || quote_ident(seq.relname) END
         AS identity_sequence,
       CASE WHEN seq.seqrelid IS NOT NULL THEN
         'START WITH ' || seq.seqstart || ' INCREMENT BY ' || seq.seqincrement
         || CASE WHEN seq.seqmin = CASE WHEN seq.seqincrement > 0 THEN 1 ELSE seq.type_min END THEN ' NO MINVALUE'
                 ELSE ' MINVALUE ' || seq.seqmin END
         || CASE WHEN seq.seqmax = CASE WHEN seq.seqincrement > 0 THEN seq.type_max ELSE -1 END THEN ' NO MAXVALUE'
                 ELSE ' MAXVALUE ' || seq.seqmax END
         || ' CACHE ' || seq.seqcache || CASE WHEN seq.seqcycle THEN ' CYCLE' ELSE '' END
       END AS identity_options,
       CASE c.relkind WHEN 'r' THEN 'ordinary' WHEN 'p' THEN 'partitioned' WHEN 'f' THEN 'foreign' END AS table_kind,
       a.attislocal AS is_local,
       -- a foreign table's column OPTIONS (...): a JSON list of [key, value] in the catalog's order
       CASE WHEN a.attfdwoptions IS NOT NULL THEN
         (SELECT json_agg(json_build_array(o.option_name, o.option_value) ORDER BY o.n)::text
          FROM pg_options_to_table(a.attfdwoptions) WITH ORDINALITY AS o (option_name, option_value, n))
       END AS foreign_options,
       uf.list AS depends_on_functions,       -- of its default or generated expression
       c.oid::bigint AS table_oid
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN used_functions uf ON uf.objid = ad.oid
-- a collation other than the type's, joined (a subquery per column would scan pg_collation per row)
LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 0 AND a.attcollation <> t.typcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
-- NOT NULL constraints (PostgreSQL 18: contype 'n', one column each; none before)
LEFT JOIN (SELECT conrelid, conkey[1] AS attnum, conname, coninhcount, connoinherit FROM pg_constraint WHERE contype = 'n' OFFSET 0) nn
       ON nn.conrelid = a.attrelid AND nn.attnum = a.attnum
-- identity sequences (pg_depend deptype 'i' from the sequence to its column), read in one pass
LEFT JOIN (SELECT d.refobjid, d.refobjsubid, s.seqrelid, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache,
                  s.seqcycle, sc.relname, sn.nspname,
                  CASE s.seqtypid WHEN 'int2'::regtype THEN -32768 WHEN 'int4'::regtype THEN -2147483648
                                  ELSE '-9223372036854775808'::bigint END AS type_min,
                  CASE s.seqtypid WHEN 'int2'::regtype THEN 32767 WHEN 'int4'::regtype THEN 2147483647
                                  ELSE '9223372036854775807'::bigint END AS type_max
           FROM pg_depend d
           JOIN pg_sequence s ON s.seqrelid = d.objid
           JOIN pg_class sc ON sc.oid = s.seqrelid
           JOIN pg_namespace sn ON sn.oid = sc.relnamespace
           WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'i'
           OFFSET 0) seq
       ON a.attidentity <> '' AND seq.refobjid = a.attrelid AND seq.refobjsubid = a.attnum
WHERE c.relkind IN ('r', 'p', 'f') AND a.attnum > 0 AND NOT a.attisdropped
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e');
