CREATE FUNCTION my_handler() RETURNS language_handler AS '$libdir/plpgsql', 'plpgsql_call_handler' LANGUAGE C;
CREATE FUNCTION my_inline(internal) RETURNS void AS '$libdir/plpgsql', 'plpgsql_inline_handler' LANGUAGE C STRICT;
CREATE FUNCTION my_validator(oid) RETURNS void AS '$libdir/plpgsql', 'plpgsql_validator' LANGUAGE C STRICT;
CREATE TRUSTED LANGUAGE "My PL" HANDLER my_handler INLINE my_inline VALIDATOR my_validator;
COMMENT ON LANGUAGE "My PL" IS 'plpgsql again';
CREATE FUNCTION answer() RETURNS int LANGUAGE "My PL" AS $$ BEGIN RETURN 42; END $$;
