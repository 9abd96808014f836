CREATE FUNCTION note_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'ddl %', tg_tag; END $$;
CREATE TABLE t (id int);
CREATE EVENT TRIGGER "Note DDL" ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE') EXECUTE FUNCTION note_ddl();
CREATE EVENT TRIGGER note_drops ON sql_drop EXECUTE FUNCTION note_ddl();
ALTER EVENT TRIGGER note_drops DISABLE;
COMMENT ON EVENT TRIGGER "Note DDL" IS 'says what changed';
