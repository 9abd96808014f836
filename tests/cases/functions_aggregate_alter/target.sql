CREATE FUNCTION zz_add_len(state int, t text) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT state + length(t) $$;CREATE AGGREGATE total_len(text) (SFUNC = zz_add_len, STYPE = int, INITCOND = '0');
