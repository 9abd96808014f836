-- stage04_functions
CREATE OR REPLACE FUNCTION public.tb_from(internal)
 RETURNS internal
 LANGUAGE internal
 IMMUTABLE STRICT
AS $function$int8send$function$
;
CREATE TRANSFORM FOR bigint LANGUAGE sql (FROM SQL WITH FUNCTION public.tb_from(internal));
CREATE OR REPLACE TRANSFORM FOR integer LANGUAGE sql (FROM SQL WITH FUNCTION public.tf_from(internal), TO SQL WITH FUNCTION public.tf_to2(internal));
-- stage09_finishing
COMMENT ON TRANSFORM FOR bigint LANGUAGE sql IS 'big';
-- stage10_drops
DROP TRANSFORM IF EXISTS FOR smallint LANGUAGE sql;
DROP FUNCTION IF EXISTS public.ts_from(internal);
