-- stage10_drops
COMMENT ON CAST (public.mood AS text) IS NULL;
COMMENT ON COLLATION public.posix_c IS NULL;
DROP STATISTICS IF EXISTS public.t_ab;
