-- stage08_constraints
ALTER TABLE public.c ADD CONSTRAINT c_p_fkey FOREIGN KEY (p) REFERENCES public.p(id);
