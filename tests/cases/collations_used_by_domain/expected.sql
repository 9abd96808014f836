-- stage00_prerequisites
CREATE COLLATION public.posix_c (provider = libc, lc_collate = 'POSIX', lc_ctype = 'POSIX');
CREATE DOMAIN public.code AS text COLLATE public.posix_c CONSTRAINT code_check CHECK ((VALUE <> ''::text));
-- stage02_tables
CREATE TABLE public.t (
    c public.code
);
