-- stage04_functions
CREATE CONVERSION conv."Latin To UTF" FOR 'LATIN1' TO 'UTF8' FROM pg_catalog.iso8859_1_to_utf8;
CREATE DEFAULT CONVERSION conv.utf_latin FOR 'UTF8' TO 'LATIN1' FROM pg_catalog.utf8_to_iso8859_1;
-- stage09_finishing
COMMENT ON CONVERSION conv."Latin To UTF" IS 'latin1 in';
