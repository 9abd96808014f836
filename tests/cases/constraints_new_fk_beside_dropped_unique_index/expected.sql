-- stage08_constraints
DROP INDEX public.p_id;
ALTER TABLE public.c ADD CONSTRAINT c_p_fkey FOREIGN KEY (p) REFERENCES public.p(id);
