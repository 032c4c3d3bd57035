-- INSERT: single and multi-row, column lists, NULL and omitted columns; affected rows and info.
CREATE TABLE people (id INT NOT NULL PRIMARY KEY, name VARCHAR(50) NOT NULL, city VARCHAR(50),
  age INT);
INSERT INTO people VALUES (1, 'Ann', 'Oslo', 34);
INSERT INTO people VALUES (2, 'Bob', NULL, 27), (3, 'Cy', 'Rome', NULL), (4, 'Di', 'Oslo', 41);
INSERT INTO people (id, name) VALUES (5, 'Ed');
INSERT INTO people (name, id, age) VALUES ('Flo', 6, 19), ('Gus', 7, 65);
SELECT * FROM people ORDER BY id;
SELECT COUNT(*) FROM people;
