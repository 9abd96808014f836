-- stage08_constraints
ALTER TABLE public.t DROP CONSTRAINT n_pos;
ALTER TABLE public.t ADD CONSTRAINT n_pos CHECK ((n > 0));
