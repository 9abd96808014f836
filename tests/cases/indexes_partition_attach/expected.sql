-- stage07_indexes
ALTER INDEX public.ev_id_idx ATTACH PARTITION public.ev_default_id_idx;
