-- stage02_tables
DROP VIEW public.report;
CREATE TABLE public.report (
    id integer NOT NULL,
    total numeric
);
-- stage08_constraints
ALTER TABLE public.report ADD CONSTRAINT report_pkey PRIMARY KEY (id);
