CREATE SCHEMA app;
CREATE TABLE app.t (a int);
CREATE TABLE app.u (b int);
