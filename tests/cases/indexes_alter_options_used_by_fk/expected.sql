-- stage07_indexes
ALTER INDEX public.p_u SET (fillfactor=70);
