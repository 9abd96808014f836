CREATE FUNCTION code() RETURNS varchar LANGUAGE sql AS $$ SELECT 'x'::varchar $$; CREATE TABLE t (c text DEFAULT public.code() || 'y');
