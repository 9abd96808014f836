CREATE TYPE z_inner AS (a int); CREATE TYPE a_outer AS (i public.z_inner, n int);CREATE DOMAIN b_dom AS public.z_inner; CREATE TABLE t (o public.a_outer)
