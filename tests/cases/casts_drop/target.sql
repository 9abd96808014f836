CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE CAST (mood AS text) WITH INOUT;
CREATE TYPE money2 AS (v numeric);
CREATE FUNCTION money2_num(money2) RETURNS numeric LANGUAGE sql IMMUTABLE AS 'SELECT ($1).v';
CREATE CAST (money2 AS numeric) WITH FUNCTION money2_num(money2);
