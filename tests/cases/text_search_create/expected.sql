-- stage00_prerequisites
CREATE TEXT SEARCH PARSER ts.prs (START = prsd_start, GETTOKEN = prsd_nexttoken, END = prsd_end, LEXTYPES = prsd_lextype, HEADLINE = prsd_headline);
CREATE TEXT SEARCH TEMPLATE ts.tmpl (INIT = dsimple_init, LEXIZE = dsimple_lexize);
CREATE TEXT SEARCH DICTIONARY ts."Simple Dict" (TEMPLATE = ts.tmpl, stopwords = 'english', accept = 'false');
CREATE TEXT SEARCH DICTIONARY ts.eng (TEMPLATE = pg_catalog.snowball, language = 'english', stopwords = 'english');
CREATE TEXT SEARCH CONFIGURATION ts.cfg (PARSER = ts.prs);
ALTER TEXT SEARCH CONFIGURATION ts.cfg ADD MAPPING FOR asciiword WITH ts."Simple Dict", ts.eng;
ALTER TEXT SEARCH CONFIGURATION ts.cfg ADD MAPPING FOR word WITH ts."Simple Dict", ts.eng;
ALTER TEXT SEARCH CONFIGURATION ts.cfg ADD MAPPING FOR "int" WITH pg_catalog.simple;
CREATE TEXT SEARCH CONFIGURATION ts.english2 (PARSER = pg_catalog."default");
ALTER TEXT SEARCH CONFIGURATION ts.english2 ADD MAPPING FOR asciiword WITH pg_catalog.english_stem;
ALTER TEXT SEARCH CONFIGURATION ts.english2 ADD MAPPING FOR word WITH pg_catalog.english_stem;
ALTER TEXT SEARCH CONFIGURATION ts.english2 ADD MAPPING FOR numword WITH pg_catalog.simple;
ALTER TEXT SEARCH CONFIGURATION ts.english2 ADD MAPPING FOR email WITH pg_catalog.simple;
ALTER TEXT SEARCH CONFIGURATION ts.english2 ADD MAPPING FOR url WITH pg_catalog.simple;
ALTER TEXT SEARCH CONFIGURATION ts.english2 ADD MAPPING FOR host WITH pg_catalog.simple;
ALTER TEXT SEARCH CONFIGURATION ts.english2 ADD MAPPING FOR sfloat WITH pg_catalog.simple;
ALTER TEXT SEARCH CONFIGURATION ts.english2 ADD MAPPING FOR version WITH pg_catalog.simple;
ALTER TEXT SEARCH CONFIGURATION ts.english2 ADD MAPPING FOR hword_numpart WITH pg_catalog.simple;
ALTER TEXT SEARCH CONFIGURATION ts.english2 ADD MAPPING FOR hword_part WITH pg_catalog.english_stem;
ALTER TEXT SEARCH CONFIGURATION ts.english2 ADD MAPPING FOR hword_asciipart WITH pg_catalog.english_stem;
ALTER TEXT SEARCH CONFIGURATION ts.english2 ADD MAPPING FOR numhword WITH pg_catalog.simple;
ALTER TEXT SEARCH CONFIGURATION ts.english2 ADD MAPPING FOR asciihword WITH pg_catalog.english_stem;
ALTER TEXT SEARCH CONFIGURATION ts.english2 ADD MAPPING FOR hword WITH pg_catalog.english_stem;
ALTER TEXT SEARCH CONFIGURATION ts.english2 ADD MAPPING FOR url_path WITH pg_catalog.simple;
ALTER TEXT SEARCH CONFIGURATION ts.english2 ADD MAPPING FOR file WITH pg_catalog.simple;
ALTER TEXT SEARCH CONFIGURATION ts.english2 ADD MAPPING FOR "float" WITH pg_catalog.simple;
ALTER TEXT SEARCH CONFIGURATION ts.english2 ADD MAPPING FOR "int" WITH pg_catalog.simple;
ALTER TEXT SEARCH CONFIGURATION ts.english2 ADD MAPPING FOR uint WITH pg_catalog.simple;
-- stage02_tables
CREATE TABLE public.doc (
    body text,
    tsv tsvector GENERATED ALWAYS AS (to_tsvector('ts.cfg'::regconfig, body)) STORED
);
-- stage07_indexes
CREATE INDEX doc_fts ON public.doc USING gin (to_tsvector('ts.english2'::regconfig, body));
-- stage09_finishing
COMMENT ON TEXT SEARCH CONFIGURATION ts.cfg IS 'two dictionaries';
COMMENT ON TEXT SEARCH DICTIONARY ts.eng IS 'stems';
