-- extensions: one row per installed extension
SELECT e.extname AS name,
       e.extversion AS version,
       n.nspname AS schema,
       e.extrelocatable AS relocatable
FROM pg_extension e
JOIN pg_namespace n ON n.oid = e.extnamespace;
