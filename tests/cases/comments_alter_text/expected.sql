-- stage09_finishing
COMMENT ON TABLE public.t IS 'new';
