-- stage00_prerequisites
CREATE TYPE public.shell;
-- stage02_tables
CREATE TABLE public.t (
    a integer NOT NULL
);
-- stage08_constraints
ALTER TABLE public.t ADD CONSTRAINT t_pkey PRIMARY KEY (a);
-- stage09_finishing
COMMENT ON TYPE public.shell IS 'to be defined';
-- stage10_drops
DROP FUNCTION IF EXISTS public.gone_in(cstring);
DROP TYPE public.gone;
