CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE CAST (mood AS text) WITH INOUT;
CREATE FUNCTION mood_int(mood) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 1';
CREATE CAST (mood AS int) WITH FUNCTION mood_int(mood);
