CREATE FUNCTION tf_from(internal) RETURNS internal LANGUAGE internal IMMUTABLE STRICT AS 'int4send';
CREATE FUNCTION tf_to(internal) RETURNS int LANGUAGE internal IMMUTABLE STRICT AS 'int4recv';
CREATE FUNCTION tf_to2(internal) RETURNS int LANGUAGE internal IMMUTABLE STRICT AS 'int4recv';
CREATE FUNCTION tb_from(internal) RETURNS internal LANGUAGE internal IMMUTABLE STRICT AS 'int8send';
CREATE TRANSFORM FOR bigint LANGUAGE sql (FROM SQL WITH FUNCTION tb_from(internal));
CREATE TRANSFORM FOR int LANGUAGE sql (FROM SQL WITH FUNCTION tf_from(internal), TO SQL WITH FUNCTION tf_to2(internal));
