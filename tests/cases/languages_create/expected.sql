-- stage04_functions
CREATE OR REPLACE FUNCTION public.my_handler()
 RETURNS language_handler
 LANGUAGE c
AS '$libdir/plpgsql', $function$plpgsql_call_handler$function$
;
CREATE OR REPLACE FUNCTION public.my_inline(internal)
 RETURNS void
 LANGUAGE c
 STRICT
AS '$libdir/plpgsql', $function$plpgsql_inline_handler$function$
;
CREATE OR REPLACE FUNCTION public.my_validator(oid)
 RETURNS void
 LANGUAGE c
 STRICT
AS '$libdir/plpgsql', $function$plpgsql_validator$function$
;
CREATE TRUSTED LANGUAGE "My PL" HANDLER public.my_handler INLINE public.my_inline VALIDATOR public.my_validator;
CREATE OR REPLACE FUNCTION public.answer()
 RETURNS integer
 LANGUAGE "My PL"
AS $function$ BEGIN RETURN 42; END $function$
;
-- stage09_finishing
COMMENT ON LANGUAGE "My PL" IS 'plpgsql again';
