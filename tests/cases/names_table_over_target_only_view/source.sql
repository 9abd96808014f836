CREATE TABLE public.base (id integer PRIMARY KEY, n text);
CREATE TABLE public.report (id integer PRIMARY KEY, total numeric);
