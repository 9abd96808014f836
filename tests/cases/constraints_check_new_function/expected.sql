-- stage04_functions
CREATE OR REPLACE FUNCTION public.is_pos(x integer)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
AS $function$SELECT x > 0$function$
;
-- stage08_constraints
ALTER TABLE public.t ADD CONSTRAINT t_pos CHECK (public.is_pos(a));
