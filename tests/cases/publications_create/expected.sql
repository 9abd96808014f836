-- stage02_tables
CREATE TABLE public."Other" (
    k integer NOT NULL
);
-- stage03_columns
ALTER TABLE public.t ADD COLUMN a integer;
-- stage08_constraints
ALTER TABLE public."Other" ADD CONSTRAINT "Other_pkey" PRIMARY KEY (k);
-- stage09_finishing
CREATE PUBLICATION "P Schema" FOR TABLES IN SCHEMA pubs;
CREATE PUBLICATION p_all FOR ALL TABLES WITH (publish_via_partition_root = true);
CREATE PUBLICATION p_rows WITH (publish = 'insert, update');
ALTER PUBLICATION p_rows ADD TABLE ONLY public."Other";
ALTER PUBLICATION p_rows ADD TABLE ONLY public.t (id, a) WHERE (((a > 0) AND (b <> 'x'::text)));
COMMENT ON PUBLICATION p_rows IS 'rows with a';
