CREATE TABLE t (id int PRIMARY KEY, a int);
CREATE INDEX t_a ON t (a);
CREATE TABLE n (x int);
COMMENT ON TABLE n IS 'new';
CREATE FUNCTION no_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'schema changes are not allowed (%)', tg_tag; END $$;
CREATE EVENT TRIGGER guard ON ddl_command_start EXECUTE FUNCTION no_ddl();
