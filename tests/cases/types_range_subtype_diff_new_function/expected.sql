-- stage00_prerequisites
CREATE OR REPLACE FUNCTION public.my_diff(a double precision, b double precision)
 RETURNS double precision
 LANGUAGE sql
 IMMUTABLE
AS $function$SELECT a - b$function$
;
CREATE TYPE public.fr AS RANGE (subtype = double precision, subtype_diff = public.my_diff, multirange_type_name = public.fr_multirange);
