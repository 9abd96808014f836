-- stage07_indexes
DROP STATISTICS public.s_def;
CREATE STATISTICS public.s_def (ndistinct) ON a, b FROM public.t;
ALTER STATISTICS public.s_reset SET STATISTICS -1;
ALTER STATISTICS public.s_target SET STATISTICS 250;
