CREATE TABLE public.u (id integer CONSTRAINT u_key PRIMARY KEY);
