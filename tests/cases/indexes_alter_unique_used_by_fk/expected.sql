-- stage07_indexes
ALTER TABLE public.c DROP CONSTRAINT IF EXISTS c_p_fkey;
DROP INDEX public.p_u;
CREATE UNIQUE INDEX p_u ON public.p USING btree (id) INCLUDE (v);
-- stage08_constraints
ALTER TABLE public.c ADD CONSTRAINT c_p_fkey FOREIGN KEY (p) REFERENCES public.p(id);
