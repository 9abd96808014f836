-- stage07_indexes
CREATE INDEX CONCURRENTLY t_a ON public.t (a);
