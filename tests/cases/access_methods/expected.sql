-- stage00_prerequisites
CREATE ACCESS METHOD heap3 TYPE TABLE HANDLER pg_catalog.heap_tableam_handler;
DROP ACCESS METHOD idx2;
CREATE ACCESS METHOD idx2 TYPE INDEX HANDLER pg_catalog.bthandler;
-- stage02_tables
CREATE TABLE public.n (
    a integer
) USING heap2;
-- stage03_columns
ALTER TABLE public.t SET ACCESS METHOD heap3;
ALTER TABLE public.u SET ACCESS METHOD heap;
-- stage09_finishing
COMMENT ON ACCESS METHOD heap3 IS 'a third heap';
-- stage10_drops
DROP ACCESS METHOD IF EXISTS gone;
