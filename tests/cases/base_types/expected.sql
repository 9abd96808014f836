-- stage00_prerequisites
CREATE TYPE public.b1;
CREATE OR REPLACE FUNCTION public.b1_in(cstring)
 RETURNS public.b1
 LANGUAGE internal
 IMMUTABLE STRICT
AS $function$int4in$function$
;
CREATE OR REPLACE FUNCTION public.b1_out(public.b1)
 RETURNS cstring
 LANGUAGE internal
 IMMUTABLE STRICT
AS $function$int4out$function$
;
CREATE TYPE public.b1 (INTERNALLENGTH = 4, INPUT = public.b1_in, OUTPUT = public.b1_out, PASSEDBYVALUE, ALIGNMENT = int4, STORAGE = plain, CATEGORY = 'N', DEFAULT = '7');
CREATE OR REPLACE FUNCTION public.b2_in(cstring)
 RETURNS public.b2
 LANGUAGE internal
 IMMUTABLE STRICT
AS $function$textin$function$
;
CREATE OR REPLACE FUNCTION public.b2_out(public.b2)
 RETURNS cstring
 LANGUAGE internal
 IMMUTABLE STRICT
AS $function$textout$function$
;
CREATE TYPE public.b2 (INTERNALLENGTH = variable, INPUT = public.b2_in, OUTPUT = public.b2_out, ALIGNMENT = int4, STORAGE = extended, COLLATABLE = true);
-- stage03_columns
ALTER TABLE public.t ADD COLUMN v public.b1;
-- stage09_finishing
COMMENT ON TYPE public.b1 IS 'a four-byte number';
-- stage10_drops
DROP TYPE IF EXISTS public.gone CASCADE;
DROP FUNCTION IF EXISTS public.gone_in(cstring);
DROP FUNCTION IF EXISTS public.gone_out(public.gone);
