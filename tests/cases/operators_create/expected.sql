-- stage04_functions
CREATE OR REPLACE FUNCTION public.int_eq3(integer, integer)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
AS $function$SELECT $1 = $2$function$
;
CREATE OR REPLACE FUNCTION public.int_ne3(integer, integer)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
AS $function$SELECT $1 <> $2$function$
;
CREATE OR REPLACE FUNCTION public.neg3(integer)
 RETURNS integer
 LANGUAGE sql
 IMMUTABLE
AS $function$SELECT -$1$function$
;
CREATE OPERATOR public.!== (FUNCTION = public.int_ne3, LEFTARG = integer, RIGHTARG = integer, COMMUTATOR = OPERATOR(public.!==), NEGATOR = OPERATOR(public.===));
CREATE OPERATOR public.=== (FUNCTION = public.int_eq3, LEFTARG = integer, RIGHTARG = integer, COMMUTATOR = OPERATOR(public.===), NEGATOR = OPERATOR(public.!==), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES);
CREATE OPERATOR public.~~~ (FUNCTION = public.neg3, RIGHTARG = integer);
-- stage05_views
CREATE VIEW public.v AS
SELECT (1 OPERATOR(public.===) 1) AS same,
    (OPERATOR(public.~~~) 5) AS negated;
-- stage09_finishing
COMMENT ON OPERATOR public.=== (integer, integer) IS 'equal, thrice';
