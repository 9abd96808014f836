-- stage08_constraints
ALTER TABLE public.c DROP CONSTRAINT c_p_fkey;
DROP INDEX public.p_id;
ALTER TABLE public.p DROP CONSTRAINT p_pkey;
ALTER TABLE public.p ADD CONSTRAINT p_pkey PRIMARY KEY (id);
ALTER TABLE public.c ADD CONSTRAINT c_p_fkey FOREIGN KEY (p) REFERENCES public.p(id);
-- stage09_finishing
ALTER TABLE public.p ALTER COLUMN v DROP NOT NULL;
