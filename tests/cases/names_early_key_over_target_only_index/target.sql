CREATE TABLE public.t (id integer NOT NULL, n text);
CREATE TABLE public.other (x integer);
CREATE INDEX t_key ON public.other (x);
