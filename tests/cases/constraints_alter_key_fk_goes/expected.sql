-- stage03_columns
ALTER TABLE public.p ALTER COLUMN b SET NOT NULL;
-- stage08_constraints
ALTER TABLE public.c DROP CONSTRAINT c_fk;
ALTER TABLE public.p DROP CONSTRAINT p_pkey;
ALTER TABLE public.p ADD CONSTRAINT p_pkey PRIMARY KEY (a, b);
