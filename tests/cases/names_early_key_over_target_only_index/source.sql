CREATE TABLE public.t (id integer CONSTRAINT t_key PRIMARY KEY, n text);
CREATE TABLE public.other (x integer);
CREATE VIEW public.v AS SELECT id, n FROM public.t GROUP BY id;
