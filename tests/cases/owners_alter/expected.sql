-- stage00_prerequisites
ALTER SCHEMA app OWNER TO drift_owner_b;
ALTER COLLATION app.c_coll OWNER TO drift_owner_b;
ALTER TYPE app.mood OWNER TO drift_owner_b;
ALTER TYPE app.pair OWNER TO drift_owner_b;
ALTER DOMAIN app.posint OWNER TO drift_owner_b;
-- stage01_sequences
ALTER SEQUENCE app.counter OWNER TO drift_owner_b;
-- stage02_tables
ALTER TABLE app.ident OWNER TO drift_owner_b;
ALTER TABLE app.parted OWNER TO drift_owner_b;
ALTER TABLE app.parted_1 OWNER TO drift_owner_b;
ALTER TABLE app.t OWNER TO drift_owner_b;
-- stage04_functions
ALTER FUNCTION app.f(integer, text) OWNER TO drift_owner_b;
ALTER PROCEDURE app.p() OWNER TO drift_owner_b;
ALTER AGGREGATE app.total(integer) OWNER TO drift_owner_b;
-- stage05_views
ALTER VIEW app.v OWNER TO drift_owner_b;
ALTER MATERIALIZED VIEW app.mv OWNER TO drift_owner_b;
