-- stage02_tables
CREATE TABLE public.n (
    x integer,
    y integer
);
-- stage03_columns
ALTER TABLE public.t ADD COLUMN c text;
-- stage07_indexes
CREATE STATISTICS public.n_xy ON x, y FROM public.n;
CREATE STATISTICS st."S Expr" ON (a + b), lower(c) FROM public.t;
CREATE STATISTICS public.s_ab (ndistinct, dependencies) ON a, b FROM public.t;
CREATE STATISTICS public.s_target ON a, c FROM public.t;
ALTER STATISTICS public.s_target SET STATISTICS 300;
