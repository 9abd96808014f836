-- stage02_tables
CREATE TABLE public.p2 (
    id integer NOT NULL
);
-- stage08_constraints
ALTER TABLE public.p2 ADD CONSTRAINT p2_pkey PRIMARY KEY (id);
ALTER TABLE public.c DROP CONSTRAINT c_p_fkey;
ALTER TABLE public.c ADD CONSTRAINT c_p_fkey FOREIGN KEY (p) REFERENCES public.p2(id);
-- stage10_drops
DROP TABLE IF EXISTS public.p;
