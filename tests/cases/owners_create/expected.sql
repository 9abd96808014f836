-- stage00_prerequisites
CREATE SCHEMA app;
ALTER SCHEMA app OWNER TO drift_owner_b;
CREATE COLLATION app.c_coll (provider = libc, lc_collate = 'C', lc_ctype = 'C');
ALTER COLLATION app.c_coll OWNER TO drift_owner_b;
CREATE TYPE app.mood AS ENUM ('sad', 'happy');
ALTER TYPE app.mood OWNER TO drift_owner_b;
CREATE TYPE app.pair AS (a integer, b integer);
ALTER TYPE app.pair OWNER TO drift_owner_b;
CREATE DOMAIN app.posint AS integer CONSTRAINT posint_check CHECK ((VALUE > 0));
ALTER DOMAIN app.posint OWNER TO drift_owner_b;
-- stage01_sequences
CREATE SEQUENCE app.counter AS bigint INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1 NO CYCLE;
ALTER SEQUENCE app.counter OWNER TO drift_owner_b;
CREATE SEQUENCE app.t_id_seq AS integer INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1 NO CYCLE;
ALTER SEQUENCE app.t_id_seq OWNER TO drift_owner_b;
-- stage02_tables
CREATE TABLE app.ident (
    id integer GENERATED ALWAYS AS IDENTITY NOT NULL,
    v text
);
ALTER TABLE app.ident OWNER TO drift_owner_b;
CREATE TABLE app.parted (
    k integer,
    v text
) PARTITION BY LIST (k);
ALTER TABLE app.parted OWNER TO drift_owner_b;
CREATE TABLE app.parted_1 PARTITION OF app.parted FOR VALUES IN (1);
ALTER TABLE app.parted_1 OWNER TO drift_owner_b;
CREATE TABLE app.t (
    id integer DEFAULT nextval('app.t_id_seq'::regclass) NOT NULL,
    m app.mood,
    v app.posint
);
ALTER TABLE app.t OWNER TO drift_owner_b;
-- stage04_functions
CREATE OR REPLACE FUNCTION app.f(a integer, b text)
 RETURNS integer
 LANGUAGE sql
AS $function$SELECT a$function$
;
ALTER FUNCTION app.f(integer, text) OWNER TO drift_owner_b;
CREATE OR REPLACE PROCEDURE app.p()
 LANGUAGE sql
AS $procedure$SELECT 1$procedure$
;
ALTER PROCEDURE app.p() OWNER TO drift_owner_b;
CREATE AGGREGATE app.total(integer) (SFUNC = int4pl, STYPE = integer);
ALTER AGGREGATE app.total(integer) OWNER TO drift_owner_b;
-- stage05_views
CREATE VIEW app.v AS
SELECT id,
    m
   FROM app.t;
ALTER VIEW app.v OWNER TO drift_owner_b;
CREATE MATERIALIZED VIEW app.mv AS
SELECT id
   FROM app.t;
ALTER MATERIALIZED VIEW app.mv OWNER TO drift_owner_b;
-- stage08_constraints
ALTER TABLE app.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);
-- stage09_finishing
ALTER SEQUENCE app.t_id_seq OWNED BY app.t.id;
