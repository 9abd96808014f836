CREATE TABLE parent (a int); CREATE TABLE child (a int, b int);
