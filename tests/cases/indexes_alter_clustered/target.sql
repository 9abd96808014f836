CREATE TABLE a (x int, y int); CREATE INDEX a_x ON a (x);
CREATE TABLE b (x int, y int); CREATE INDEX b_x ON b (x); CREATE INDEX b_y ON b (y); ALTER TABLE b CLUSTER ON b_x;
CREATE TABLE c (x int); CREATE INDEX c_x ON c (x); ALTER TABLE c CLUSTER ON c_x;
CREATE TABLE d (x int PRIMARY KEY);
