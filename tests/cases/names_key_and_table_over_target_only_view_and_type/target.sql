CREATE TYPE public.u AS (x integer);
CREATE VIEW public.u_key AS SELECT 1 AS one;
