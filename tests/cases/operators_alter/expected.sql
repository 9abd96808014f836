-- stage04_functions
ALTER OPERATOR public.=== (integer, integer) SET (RESTRICT = eqsel, JOIN = eqjoinsel);
DROP OPERATOR public.~~~ (NONE, integer);
CREATE OPERATOR public.~~~ (FUNCTION = public.neg3, RIGHTARG = integer);
-- stage10_drops
DROP FUNCTION IF EXISTS public.neg4(integer);
