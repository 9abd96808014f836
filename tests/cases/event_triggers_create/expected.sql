-- stage02_tables
CREATE TABLE public.t (
    id integer
);
-- stage04_functions
CREATE OR REPLACE FUNCTION public.note_ddl()
 RETURNS event_trigger
 LANGUAGE plpgsql
AS $function$ BEGIN RAISE NOTICE 'ddl %', tg_tag; END $function$
;
-- stage09_finishing
CREATE EVENT TRIGGER "Note DDL" ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE') EXECUTE FUNCTION public.note_ddl();
CREATE EVENT TRIGGER note_drops ON sql_drop EXECUTE FUNCTION public.note_ddl();
COMMENT ON EVENT TRIGGER "Note DDL" IS 'says what changed';
ALTER EVENT TRIGGER note_drops DISABLE;
