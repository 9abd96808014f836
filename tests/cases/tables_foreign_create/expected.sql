-- stage00_prerequisites
CREATE SERVER srv FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'remote');
-- stage02_tables
CREATE FOREIGN TABLE app."Remote Items" (
    id integer NOT NULL,
    label text COLLATE pg_catalog."C" DEFAULT 'none'::text,
    qty integer
) SERVER srv OPTIONS (schema_name 'public', table_name 'items');
ALTER FOREIGN TABLE app."Remote Items" ALTER COLUMN id OPTIONS (ADD column_name 'item_id');
ALTER TABLE ONLY app."Remote Items" ALTER COLUMN qty SET STATISTICS 50;
CREATE FOREIGN TABLE app.bare (
    a integer
) SERVER srv;
CREATE TABLE app.base (
    x integer
);
CREATE FOREIGN TABLE app.child (
    y integer
) INHERITS (app.base) SERVER srv;
CREATE TABLE app.events (
    id integer,
    kind integer
) PARTITION BY LIST (kind);
CREATE TABLE app.events_local PARTITION OF app.events FOR VALUES IN (1);
CREATE FOREIGN TABLE app.events_remote PARTITION OF app.events FOR VALUES IN (2) SERVER srv OPTIONS (table_name 'events');
-- stage08_constraints
ALTER TABLE app."Remote Items" ADD CONSTRAINT "Remote Items_label_check" CHECK ((label <> ''::text));
-- stage09_finishing
COMMENT ON FOREIGN TABLE app."Remote Items" IS 'kept elsewhere';
