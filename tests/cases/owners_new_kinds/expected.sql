-- stage00_prerequisites
ALTER FOREIGN DATA WRAPPER w OWNER TO drift_owner_super;
CREATE SERVER srv FOREIGN DATA WRAPPER w;
ALTER SERVER srv OWNER TO drift_owner_super;
ALTER TEXT SEARCH DICTIONARY app.simple_dict OWNER TO drift_owner_b;
CREATE TEXT SEARCH CONFIGURATION app.cfg (PARSER = pg_catalog."default");
ALTER TEXT SEARCH CONFIGURATION app.cfg OWNER TO drift_owner_b;
-- stage04_functions
CREATE OR REPLACE FUNCTION app.my_handler()
 RETURNS language_handler
 LANGUAGE c
AS '$libdir/plpgsql', $function$plpgsql_call_handler$function$
;
ALTER FUNCTION app.my_handler() OWNER TO postgres;
CREATE OR REPLACE FUNCTION app.note_ddl()
 RETURNS event_trigger
 LANGUAGE plpgsql
AS $function$ BEGIN RAISE NOTICE 'ddl %', tg_tag; END $function$
;
ALTER FUNCTION app.note_ddl() OWNER TO postgres;
ALTER OPERATOR app.=== (integer, integer) OWNER TO drift_owner_b;
CREATE OPERATOR FAMILY app.fam USING btree;
ALTER OPERATOR FAMILY app.fam USING btree OWNER TO drift_owner_b;
CREATE OPERATOR FAMILY app.oc USING hash;
ALTER OPERATOR FAMILY app.oc USING hash OWNER TO drift_owner_b;
CREATE OPERATOR CLASS app.oc FOR TYPE integer USING hash FAMILY app.oc AS OPERATOR 1 app.===(integer, integer), FUNCTION 1 (integer, integer) hashint4(integer);
ALTER OPERATOR CLASS app.oc USING hash OWNER TO drift_owner_b;
ALTER CONVERSION app.latin_in OWNER TO drift_owner_b;
CREATE LANGUAGE my_pl HANDLER app.my_handler;
ALTER LANGUAGE my_pl OWNER TO drift_owner_b;
-- stage07_indexes
CREATE STATISTICS app.t_ab ON a, b FROM app.t;
ALTER STATISTICS app.t_ab OWNER TO drift_owner_b;
-- stage09_finishing
CREATE PUBLICATION pub;
ALTER PUBLICATION pub OWNER TO drift_owner_super;
ALTER PUBLICATION pub ADD TABLE ONLY app.t;
CREATE EVENT TRIGGER note_ddl ON ddl_command_end EXECUTE FUNCTION app.note_ddl();
ALTER EVENT TRIGGER note_ddl OWNER TO drift_owner_super;
