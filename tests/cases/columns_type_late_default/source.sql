CREATE FUNCTION code() RETURNS text LANGUAGE sql AS $$ SELECT 'x' $$;CREATE TABLE t (c varchar(10) NOT NULL DEFAULT public.code())
