CREATE FUNCTION my_diff(a float8, b float8) RETURNS float8 LANGUAGE sql IMMUTABLE AS 'SELECT a - b'; CREATE TYPE fr AS RANGE (subtype = float8, subtype_diff = public.my_diff);
