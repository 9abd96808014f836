-- stage02_tables
CREATE TABLE public.t (
    x double precision
);
-- stage04_functions
CREATE AGGREGATE public.my_avg(double precision) (SFUNC = float8_accum, STYPE = double precision[], FINALFUNC = float8_avg, COMBINEFUNC = float8_combine, INITCOND = '{0,0,0}', MSFUNC = float8_accum, MINVFUNC = float8_accum, MSTYPE = double precision[], MFINALFUNC = float8_avg, MINITCOND = '{0,0,0}', PARALLEL = SAFE);
CREATE AGGREGATE public.my_max(integer) (SFUNC = int4larger, STYPE = integer, SORTOP = OPERATOR(pg_catalog.>));
CREATE AGGREGATE public.my_pct(double precision ORDER BY double precision) (SFUNC = ordered_set_transition, STYPE = internal, FINALFUNC = percentile_disc_final, FINALFUNC_EXTRA);
CREATE AGGREGATE public.my_rank(VARIADIC "any" ORDER BY VARIADIC "any") (SFUNC = ordered_set_transition_multi, STYPE = internal, FINALFUNC = rank_final, FINALFUNC_EXTRA, HYPOTHETICAL);
CREATE AGGREGATE public.my_sum_i(bigint) (SFUNC = int8_avg_accum, STYPE = internal, SSPACE = 48, FINALFUNC = numeric_poly_sum, COMBINEFUNC = int8_avg_combine, SERIALFUNC = int8_avg_serialize, DESERIALFUNC = int8_avg_deserialize, PARALLEL = SAFE);
-- stage05_views
CREATE VIEW public.v AS
SELECT public.my_avg(x) AS a,
    public.my_pct((0.5)::double precision) WITHIN GROUP (ORDER BY x) AS p,
    public.my_rank((1.0)::double precision) WITHIN GROUP (ORDER BY x) AS r
   FROM public.t;
-- stage09_finishing
COMMENT ON AGGREGATE public.my_pct(double precision, double precision) IS 'percentile';
