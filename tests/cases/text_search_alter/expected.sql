-- stage00_prerequisites
ALTER TEXT SEARCH DICTIONARY public.eng (language = 'english', stopwords = 'english');
ALTER TEXT SEARCH DICTIONARY public.simp (accept = 'false', stopwords);
ALTER TEXT SEARCH CONFIGURATION public.cfg ALTER MAPPING FOR asciiword WITH public.eng;
ALTER TEXT SEARCH CONFIGURATION public.cfg ADD MAPPING FOR word WITH public.simp, public.eng;
ALTER TEXT SEARCH CONFIGURATION public.cfg DROP MAPPING FOR "int";
