-- stage02_tables
CREATE TABLE public.ev (
    id integer NOT NULL,
    ts timestamp with time zone NOT NULL
) PARTITION BY RANGE (ts);
CREATE TABLE public.ev_default PARTITION OF public.ev DEFAULT;
-- stage07_indexes
CREATE INDEX ev_id_idx ON ONLY public.ev USING btree (id);
CREATE INDEX ev_default_id_idx ON public.ev_default USING btree (id);
ALTER INDEX public.ev_id_idx ATTACH PARTITION public.ev_default_id_idx;
