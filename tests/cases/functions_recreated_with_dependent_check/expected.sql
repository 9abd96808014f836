-- stage04_functions
ALTER TABLE public.t DROP CONSTRAINT IF EXISTS t_pos;
DROP FUNCTION IF EXISTS public.is_pos(integer);
CREATE OR REPLACE FUNCTION public.is_pos(y integer)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
AS $function$SELECT y > 0$function$
;
-- stage08_constraints
ALTER TABLE public.t ADD CONSTRAINT t_pos CHECK (public.is_pos(a));
