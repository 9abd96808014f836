CREATE FUNCTION note_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'ddl %', tg_tag; END $$;
CREATE EVENT TRIGGER e_tags ON ddl_command_end WHEN TAG IN ('DROP TABLE') EXECUTE FUNCTION note_ddl();
CREATE EVENT TRIGGER e_state ON ddl_command_end EXECUTE FUNCTION note_ddl();
ALTER EVENT TRIGGER e_state DISABLE;
