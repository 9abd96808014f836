-- stage02_tables
DROP FOREIGN TABLE public.ft;
CREATE FOREIGN TABLE public.ft (
    a integer
) SERVER s2 OPTIONS (table_name 'ft2');
ALTER FOREIGN TABLE public.ft ALTER COLUMN a OPTIONS (ADD column_name 'x');
DROP TABLE public.was_local;
CREATE FOREIGN TABLE public.was_local (
    a integer
) SERVER s1;
-- stage09_finishing
COMMENT ON FOREIGN TABLE public.ft IS 'on s2';
