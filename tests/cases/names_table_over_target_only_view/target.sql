CREATE TABLE public.base (id integer PRIMARY KEY, n text);
CREATE VIEW public.report AS SELECT id, length(n)::numeric AS total FROM public.base;
