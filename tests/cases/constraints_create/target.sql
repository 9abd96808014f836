CREATE EXTENSION btree_gist; CREATE TABLE p (id int, code text, n int, r int4range); CREATE TABLE c (p int);
