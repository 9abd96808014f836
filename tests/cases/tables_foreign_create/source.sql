CREATE EXTENSION postgres_fdw;
CREATE SERVER srv FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'remote');
CREATE SCHEMA app;
CREATE FOREIGN TABLE app."Remote Items" (
    id int OPTIONS (column_name 'item_id') NOT NULL,
    label text COLLATE "C" DEFAULT 'none' CHECK (label <> ''),
    qty int
) SERVER srv OPTIONS (schema_name 'public', table_name 'items');
ALTER FOREIGN TABLE app."Remote Items" ALTER COLUMN qty SET STATISTICS 50;
COMMENT ON FOREIGN TABLE app."Remote Items" IS 'kept elsewhere';
CREATE FOREIGN TABLE app.bare (a int) SERVER srv;
CREATE TABLE app.events (id int, kind int) PARTITION BY LIST (kind);
CREATE TABLE app.events_local PARTITION OF app.events FOR VALUES IN (1);
CREATE FOREIGN TABLE app.events_remote PARTITION OF app.events FOR VALUES IN (2) SERVER srv OPTIONS (table_name 'events');
CREATE TABLE app.base (x int);
CREATE FOREIGN TABLE app.child (y int) INHERITS (app.base) SERVER srv;
