CREATE FUNCTION f(a int, OUT b int, OUT d text) LANGUAGE sql AS 'SELECT 1, ''x''';
