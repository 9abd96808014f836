-- stage03_columns
ALTER TABLE public.t ADD COLUMN b text;
ALTER TABLE public.t ADD COLUMN c integer DEFAULT 0 NOT NULL;
ALTER TABLE public.t ADD COLUMN d text COLLATE pg_catalog."C";
