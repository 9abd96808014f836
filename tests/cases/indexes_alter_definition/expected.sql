-- stage07_indexes
DROP INDEX public.t_i;
CREATE INDEX t_i ON public.t USING btree (a, id);
