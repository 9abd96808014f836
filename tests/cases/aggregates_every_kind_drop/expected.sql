-- stage10_drops
DROP AGGREGATE IF EXISTS public.my_avg(double precision);
DROP AGGREGATE IF EXISTS public.my_max(integer);
DROP AGGREGATE IF EXISTS public.my_pct(double precision ORDER BY double precision);
DROP AGGREGATE IF EXISTS public.my_rank(VARIADIC "any" ORDER BY VARIADIC "any");
DROP AGGREGATE IF EXISTS public.my_sum_i(bigint);
