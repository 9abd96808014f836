-- stage01_sequences
DROP SEQUENCE public.t_a_idx;
-- stage07_indexes
CREATE INDEX t_a_idx ON public.t USING btree (a);
