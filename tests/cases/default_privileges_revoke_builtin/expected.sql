-- stage00_prerequisites
ALTER DEFAULT PRIVILEGES FOR ROLE postgres REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE drift_case_writer GRANT CREATE ON SCHEMAS TO drift_case_writer;
ALTER DEFAULT PRIVILEGES FOR ROLE drift_case_writer GRANT USAGE ON SCHEMAS TO drift_case_writer;
-- stage04_functions
CREATE OR REPLACE FUNCTION public.f()
 RETURNS integer
 LANGUAGE sql
AS $function$SELECT 1$function$
;
-- stage09_finishing
REVOKE EXECUTE ON FUNCTION public.f() FROM PUBLIC;
