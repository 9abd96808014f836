-- stage07_indexes
CREATE STATISTICS public.t_ab ON a, b FROM public.t;
-- stage09_finishing
COMMENT ON CAST (public.mood AS text) IS 'labels as text';
COMMENT ON STATISTICS public.t_ab IS 'a and b move together';
COMMENT ON COLLATION public.posix_c IS 'sorts bytes';
