CREATE FUNCTION f(a int, OUT b int, OUT c text) LANGUAGE sql AS 'SELECT 1, ''x''';
