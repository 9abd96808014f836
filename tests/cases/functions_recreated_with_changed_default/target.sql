CREATE FUNCTION code() RETURNS text LANGUAGE sql AS $$ SELECT 'x' $$; CREATE TABLE t (c text DEFAULT public.code());
