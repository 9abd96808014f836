-- stage02_tables
CREATE TABLE public.t (
    id integer NOT NULL,
    name text DEFAULT 'x'::text NOT NULL,
    at timestamp with time zone
);
-- stage08_constraints
ALTER TABLE public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);
