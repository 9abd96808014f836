-- stage03_columns
ALTER TABLE public.p ALTER COLUMN id SET NOT NULL;
-- stage08_constraints
ALTER TABLE public.p ADD CONSTRAINT p_pkey PRIMARY KEY (id);
ALTER TABLE public.c DROP CONSTRAINT c_p_fkey;
ALTER TABLE public.p DROP CONSTRAINT p_id_key;
ALTER TABLE public.c ADD CONSTRAINT c_p_fkey FOREIGN KEY (p) REFERENCES public.p(id);
