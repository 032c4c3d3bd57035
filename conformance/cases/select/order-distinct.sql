-- ORDER BY expressions, aliases, positions, non-selected columns; DISTINCT; LIMIT / OFFSET.
CREATE TABLE p (id INT PRIMARY KEY, name VARCHAR(10) NOT NULL, score INT, grp CHAR(1));
INSERT INTO p VALUES (1, 'ann', 30, 'a'), (2, 'Bob', NULL, 'b'), (3, 'cy', 10, 'a'), (4, 'di', 30, 'b'),
  (5, 'Ed', 20, NULL), (6, 'flo', 50, 'a'), (7, 'ANN', 5, 'c');
SELECT name FROM p ORDER BY score DESC, id;
SELECT name, score * 2 AS s2 FROM p ORDER BY s2, name;
SELECT name FROM p ORDER BY grp, score;
SELECT name, score FROM p ORDER BY 2 DESC, 1;
SELECT name FROM p ORDER BY -score, id;
SELECT name FROM p ORDER BY LENGTH(name), name;
SELECT name FROM p ORDER BY name;
-- unordered
SELECT name FROM p ORDER BY name LIMIT 3;
SELECT DISTINCT grp FROM p;
SELECT DISTINCT grp FROM p ORDER BY grp;
SELECT DISTINCT score FROM p ORDER BY score DESC;
SELECT DISTINCT name FROM p;
SELECT DISTINCT grp, score > 15 FROM p ORDER BY grp, 2;
SELECT COUNT(DISTINCT grp) FROM p;
SELECT id FROM p ORDER BY id LIMIT 0;
SELECT id FROM p ORDER BY id LIMIT 2 OFFSET 5;
SELECT id FROM p ORDER BY id LIMIT 10 OFFSET 6;
SELECT id FROM p WHERE score > 10 ORDER BY score, id LIMIT 1, 2;
SELECT grp, MAX(score) m FROM p GROUP BY grp ORDER BY m DESC LIMIT 2;
SELECT name AS score FROM p ORDER BY score;
SELECT DISTINCT grp FROM p ORDER BY score;
-- error 1054
SELECT name FROM p ORDER BY 5;
