-- stage00_prerequisites
DROP TYPE public.u;
-- stage02_tables
CREATE TABLE public.u (
    id integer NOT NULL
);
-- stage05_views
DROP VIEW public.u_key;
-- stage08_constraints
ALTER TABLE public.u ADD CONSTRAINT u_key PRIMARY KEY (id);
