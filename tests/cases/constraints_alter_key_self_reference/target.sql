CREATE TABLE node (id int, tenant int, parent int, PRIMARY KEY (id), FOREIGN KEY (parent) REFERENCES node);
