-- stage00_prerequisites
CREATE DOMAIN public."Even" AS integer CONSTRAINT "is even" CHECK (((VALUE % 2) = 0));
-- stage07_indexes
CREATE STATISTICS public.t_ab ON a, b FROM public.t;
-- stage09_finishing
COMMENT ON CAST (public.mood AS text) IS 'labels as text';
COMMENT ON CONSTRAINT "is even" ON DOMAIN public."Even" IS 'halves';
COMMENT ON CONSTRAINT positive ON DOMAIN public.posint IS 'above zero';
COMMENT ON EXTENSION postgres_fdw IS 'remote tables, commented here';
COMMENT ON STATISTICS public.t_ab IS 'a and b move together';
COMMENT ON COLLATION public.posix_c IS 'sorts bytes';
