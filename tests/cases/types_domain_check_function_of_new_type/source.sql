CREATE TYPE lvl AS ENUM ('low', 'high'); CREATE FUNCTION not_low(x lvl) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$SELECT x <> 'low'$$; CREATE DOMAIN hl AS lvl CHECK (public.not_low(VALUE));
