CREATE FUNCTION tf_from(internal) RETURNS internal LANGUAGE internal IMMUTABLE STRICT AS 'int4send';
CREATE FUNCTION tf_to(internal) RETURNS int LANGUAGE internal IMMUTABLE STRICT AS 'int4recv';
CREATE FUNCTION tf_to2(internal) RETURNS int LANGUAGE internal IMMUTABLE STRICT AS 'int4recv';
CREATE TRANSFORM FOR int LANGUAGE sql (FROM SQL WITH FUNCTION tf_from(internal), TO SQL WITH FUNCTION tf_to(internal));
CREATE FUNCTION ts_from(internal) RETURNS internal LANGUAGE internal IMMUTABLE STRICT AS 'int2send';
CREATE TRANSFORM FOR smallint LANGUAGE sql (FROM SQL WITH FUNCTION ts_from(internal));
