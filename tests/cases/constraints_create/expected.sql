-- stage03_columns
ALTER TABLE public.p ALTER COLUMN id SET NOT NULL;
-- stage08_constraints
ALTER TABLE public.p ADD CONSTRAINT p_code_key UNIQUE (code);
ALTER TABLE public.p ADD CONSTRAINT p_n_check CHECK ((n > 0));
ALTER TABLE public.p ADD CONSTRAINT p_pkey PRIMARY KEY (id);
ALTER TABLE public.c ADD CONSTRAINT c_p_fkey FOREIGN KEY (p) REFERENCES public.p(id) ON DELETE CASCADE;
ALTER TABLE public.p ADD CONSTRAINT p_r_excl EXCLUDE USING gist (r WITH &&);
