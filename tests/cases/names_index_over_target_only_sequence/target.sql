CREATE TABLE public.t (id integer PRIMARY KEY, a integer);
CREATE SEQUENCE public.t_a_idx;
