-- publication_tables: the tables a publication names (FOR TABLE / ADD TABLE), one row each, with
-- the column list (NULL: every column) and the row filter (WHERE). Identified like the other objects
-- on a table: (schema, table, name), the name being the publication's (a table rebuilt takes its
-- memberships along). The members FOR ALL TABLES or FOR TABLES IN SCHEMA bring are not rows.
SELECT n.nspname AS schema,
       c.relname AS "table",
       p.pubname AS name,
       CASE WHEN r.prattrs IS NOT NULL THEN
         (SELECT json_agg(a.attname::text ORDER BY k.n)::text
          FROM unnest(r.prattrs::int2[]) WITH ORDINALITY AS k (attnum, n)
          JOIN pg_attribute a ON a.attrelid = r.prrelid AND a.attnum = k.attnum)
       END AS columns,
       pg_get_expr(r.prqual, r.prrelid) AS row_filter,
       r.oid::bigint AS oid
FROM pg_publication_rel r
JOIN pg_publication p ON p.oid = r.prpubid
JOIN pg_class c ON c.oid = r.prrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%';
