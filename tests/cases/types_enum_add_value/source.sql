CREATE TYPE e AS ENUM ('a0', 'a', 'b', 'c', 'd');
