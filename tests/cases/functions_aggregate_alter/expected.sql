-- stage04_functions
DROP AGGREGATE IF EXISTS public.total_len(text);
CREATE AGGREGATE public.total_len(text) (SFUNC = public.zz_add_len, STYPE = integer, INITCOND = '10');
