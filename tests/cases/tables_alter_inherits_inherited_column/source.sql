CREATE TABLE parent (a int); CREATE TABLE child (b int) INHERITS (parent);
