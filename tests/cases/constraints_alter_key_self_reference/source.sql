CREATE TABLE node (id int, tenant int, parent int, PRIMARY KEY (id, tenant), FOREIGN KEY (parent, tenant) REFERENCES node);
