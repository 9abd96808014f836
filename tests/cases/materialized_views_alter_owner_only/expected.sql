-- stage05_views
ALTER MATERIALIZED VIEW public.mv OWNER TO drift_owner_b;
