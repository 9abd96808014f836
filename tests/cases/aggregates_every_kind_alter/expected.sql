-- stage04_functions
DROP AGGREGATE IF EXISTS public.my_avg(double precision);
CREATE AGGREGATE public.my_avg(double precision) (SFUNC = float8_accum, STYPE = double precision[], FINALFUNC = float8_avg, INITCOND = '{0,0,0}', MSFUNC = float8_accum, MINVFUNC = float8_accum, MSTYPE = double precision[], MFINALFUNC = float8_avg, MINITCOND = '{0,0,0}');
DROP AGGREGATE IF EXISTS public.my_pct(double precision, double precision);
CREATE AGGREGATE public.my_pct(double precision ORDER BY double precision) (SFUNC = ordered_set_transition, STYPE = internal, FINALFUNC = percentile_cont_float8_final);
