-- stage04_functions
DROP CONVERSION public.latin_utf;
CREATE DEFAULT CONVERSION public.latin_utf FOR 'LATIN1' TO 'UTF8' FROM pg_catalog.iso8859_1_to_utf8;
