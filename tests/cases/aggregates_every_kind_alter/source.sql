CREATE AGGREGATE my_avg(float8) (SFUNC = float8_accum, STYPE = float8[], FINALFUNC = float8_avg, INITCOND = '{0,0,0}', MSFUNC = float8_accum, MINVFUNC = float8_accum, MSTYPE = float8[], MFINALFUNC = float8_avg, MINITCOND = '{0,0,0}');
CREATE AGGREGATE my_pct(float8 ORDER BY float8) (SFUNC = ordered_set_transition, STYPE = internal, FINALFUNC = percentile_cont_float8_final);
