-- stage00_prerequisites
CREATE COLLATION public."Built In" (provider = builtin, locale = 'C.UTF-8');
CREATE COLLATION public.posix_c (provider = libc, lc_collate = 'POSIX', lc_ctype = 'POSIX');
-- stage02_tables
CREATE TABLE public.n (
    x text COLLATE public."Built In"
);
-- stage03_columns
ALTER TABLE public.t ADD COLUMN b text COLLATE public.posix_c;
