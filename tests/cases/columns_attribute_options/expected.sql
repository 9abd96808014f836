-- stage02_tables
CREATE TABLE public.n (
    a integer
);
ALTER TABLE ONLY public.n ALTER COLUMN a SET (n_distinct=100);
-- stage03_columns
ALTER TABLE public.t ADD COLUMN d integer;
ALTER TABLE ONLY public.t ALTER COLUMN d SET (n_distinct_inherited=3);
ALTER TABLE ONLY public.t ALTER COLUMN a SET (n_distinct=-0.5);
ALTER TABLE ONLY public.t ALTER COLUMN b SET (n_distinct=10, n_distinct_inherited=5);
ALTER TABLE ONLY public.t ALTER COLUMN c RESET (n_distinct);
