-- stage10_drops
COMMENT ON CAST (public.mood AS text) IS NULL;
COMMENT ON COLLATION public.posix_c IS NULL;
COMMENT ON CONSTRAINT positive ON DOMAIN public.posint IS NULL;
COMMENT ON EXTENSION postgres_fdw IS 'foreign-data wrapper for remote PostgreSQL servers';
DROP STATISTICS IF EXISTS public.t_ab;
