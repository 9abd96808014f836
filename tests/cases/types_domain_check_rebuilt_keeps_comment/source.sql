CREATE DOMAIN posint AS int CONSTRAINT positive CHECK (VALUE > 0);
COMMENT ON CONSTRAINT positive ON DOMAIN posint IS 'above zero';
CREATE FUNCTION is_even(v int) RETURNS bool LANGUAGE sql IMMUTABLE AS 'SELECT v % 2 = 0';
CREATE DOMAIN even AS int CONSTRAINT even_check CHECK (is_even(VALUE));
COMMENT ON CONSTRAINT even_check ON DOMAIN even IS 'divisible by two';
