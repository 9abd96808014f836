CREATE AGGREGATE my_avg(float8) (SFUNC = float8_accum, STYPE = float8[], FINALFUNC = float8_avg, COMBINEFUNC = float8_combine, INITCOND = '{0,0,0}', MSFUNC = float8_accum, MINVFUNC = float8_accum, MSTYPE = float8[], MFINALFUNC = float8_avg, MINITCOND = '{0,0,0}', PARALLEL = SAFE);
CREATE AGGREGATE my_pct(float8 ORDER BY float8) (SFUNC = ordered_set_transition, STYPE = internal, FINALFUNC = percentile_disc_final, FINALFUNC_EXTRA);
CREATE AGGREGATE my_rank(VARIADIC "any" ORDER BY VARIADIC "any") (SFUNC = ordered_set_transition_multi, STYPE = internal, FINALFUNC = rank_final, FINALFUNC_EXTRA, HYPOTHETICAL);
CREATE AGGREGATE my_max(int) (SFUNC = int4larger, STYPE = int, SORTOP = >);
CREATE AGGREGATE my_sum_i(int8) (SFUNC = int8_avg_accum, STYPE = internal, SSPACE = 48, FINALFUNC = numeric_poly_sum, COMBINEFUNC = int8_avg_combine, SERIALFUNC = int8_avg_serialize, DESERIALFUNC = int8_avg_deserialize, PARALLEL = SAFE);
COMMENT ON AGGREGATE my_pct(float8 ORDER BY float8) IS 'percentile';
CREATE TABLE t (x float8);
CREATE VIEW v AS SELECT my_avg(x) AS a, my_pct(0.5) WITHIN GROUP (ORDER BY x) AS p, my_rank(1.0::float8) WITHIN GROUP (ORDER BY x) AS r FROM t;
