CREATE FUNCTION note_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'ddl %', tg_tag; END $$;
CREATE TABLE t (id int);
CREATE TABLE gone (id int);
CREATE EVENT TRIGGER note_drops ON sql_drop EXECUTE FUNCTION note_ddl();
COMMENT ON EVENT TRIGGER note_drops IS 'notes drops';
