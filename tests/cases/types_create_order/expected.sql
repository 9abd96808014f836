-- stage00_prerequisites
CREATE TYPE public.z_inner AS (a integer);
CREATE TYPE public.a_outer AS (i public.z_inner, n integer);
CREATE DOMAIN public.b_dom AS public.z_inner;
-- stage02_tables
CREATE TABLE public.t (
    o public.a_outer
);
