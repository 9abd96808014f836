-- stage03_columns
ALTER FOREIGN TABLE public.ft OPTIONS (DROP fetch_size, SET table_name 'new', ADD use_remote_estimate 'true');
ALTER TABLE public.ft ADD COLUMN c integer;
ALTER FOREIGN TABLE public.ft ALTER COLUMN c OPTIONS (ADD column_name 'C');
ALTER TABLE public.ft ALTER COLUMN a TYPE bigint;
ALTER TABLE public.ft ALTER COLUMN a SET NOT NULL;
ALTER FOREIGN TABLE public.ft ALTER COLUMN a OPTIONS (SET column_name 'AA');
ALTER TABLE public.ft ALTER COLUMN b SET DEFAULT 'b'::text;
ALTER FOREIGN TABLE public.ft ALTER COLUMN b OPTIONS (DROP column_name);
-- stage08_constraints
ALTER TABLE public.ft ADD CONSTRAINT ft_c_check CHECK ((c > 0));
-- stage10_drops
ALTER TABLE public.ft DROP COLUMN IF EXISTS gone;
