-- stage10_drops
DROP AGGREGATE IF EXISTS public.my_avg(double precision);
DROP AGGREGATE IF EXISTS public.my_max(integer);
DROP AGGREGATE IF EXISTS public.my_pct(double precision, double precision);
DROP AGGREGATE IF EXISTS public.my_rank("any");
DROP AGGREGATE IF EXISTS public.my_sum_i(bigint);
