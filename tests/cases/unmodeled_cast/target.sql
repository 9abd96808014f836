CREATE TYPE money2 AS (v numeric);CREATE FUNCTION money2_num(money2) RETURNS numeric LANGUAGE sql IMMUTABLE AS 'SELECT ($1).v';
