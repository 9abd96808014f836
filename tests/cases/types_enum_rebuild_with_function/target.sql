CREATE TYPE mood AS ENUM ('ok', 'sad'); CREATE FUNCTION is_ok(m mood) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$SELECT m = 'ok'$$; CREATE TABLE t (m mood);
