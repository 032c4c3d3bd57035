-- Subqueries: scalar, IN / NOT IN with NULLs, EXISTS, ANY / SOME / ALL, rows, correlated.
CREATE TABLE a (id INT PRIMARY KEY, v INT, tag VARCHAR(5));
CREATE TABLE b (id INT PRIMARY KEY, a_id INT, w INT);
INSERT INTO a VALUES (1, 10, 'x'), (2, 20, 'y'), (3, NULL, 'x'), (4, 40, NULL);
INSERT INTO b VALUES (1, 1, 5), (2, 1, 6), (3, 2, 7), (4, NULL, 8), (5, 9, NULL);
SELECT (SELECT MAX(w) FROM b);
SELECT id, (SELECT COUNT(*) FROM b WHERE b.a_id = a.id) AS n FROM a;
SELECT id, (SELECT w FROM b WHERE b.id = a.id) FROM a;
SELECT id FROM a WHERE v > (SELECT AVG(v) FROM a);
SELECT id FROM a WHERE id IN (SELECT a_id FROM b);
SELECT id FROM a WHERE id NOT IN (SELECT a_id FROM b);
SELECT id FROM a WHERE id NOT IN (SELECT a_id FROM b WHERE a_id IS NOT NULL);
SELECT id, id IN (SELECT a_id FROM b), id NOT IN (SELECT a_id FROM b) FROM a;
SELECT id, v IN (SELECT w FROM b WHERE w > 100) FROM a;
SELECT NULL IN (SELECT a_id FROM b), NULL IN (SELECT a_id FROM b WHERE 1 = 0);
SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.a_id = a.id);
SELECT id FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.a_id = a.id);
SELECT EXISTS (SELECT * FROM b WHERE w > 7), NOT EXISTS (SELECT * FROM b WHERE w > 70);
SELECT id FROM a WHERE v > ANY (SELECT w * 3 FROM b);
SELECT id FROM a WHERE v > ALL (SELECT w * 3 FROM b WHERE w IS NOT NULL);
SELECT id FROM a WHERE v = SOME (SELECT v FROM a WHERE tag = 'x');
SELECT id, v > ALL (SELECT w FROM b), v < ANY (SELECT w FROM b) FROM a;
SELECT id, v > ALL (SELECT w FROM b WHERE 1 = 0) FROM a;
SELECT id FROM a WHERE (id, v) IN (SELECT a_id, w * 2 FROM b);
SELECT id FROM a WHERE (id, tag) = (SELECT 2, 'y');
SELECT id FROM a WHERE (id, v) = (1, 10) OR (id, v) > (3, 0);
SELECT id FROM a WHERE (id, tag) IN ((1, 'x'), (2, 'x'), (4, NULL));
SELECT a.id, (SELECT MAX(b.w) FROM b WHERE b.a_id = a.id) m FROM a ORDER BY m DESC, a.id;
SELECT id FROM a WHERE v = (SELECT MAX(v) FROM a AS a2 WHERE a2.tag = a.tag);
SELECT id FROM a WHERE id IN (SELECT a_id FROM b WHERE w > (SELECT MIN(w) FROM b));
SELECT id FROM a WHERE id IN (SELECT a_id FROM b WHERE b.w > a.v / 3);
SELECT tag, COUNT(*) FROM a WHERE id IN (SELECT a_id FROM b) GROUP BY tag;
SELECT (SELECT tag FROM a WHERE id = 2) AS t, (SELECT v FROM a WHERE id = 99) AS missing;
-- error 1242
SELECT (SELECT w FROM b);
-- error 1242
SELECT id FROM a WHERE v = (SELECT v FROM a);
-- error 1241
SELECT (SELECT 1, 2);
-- error 1241
SELECT id FROM a WHERE id IN (SELECT a_id, w FROM b);
-- error 1235
SELECT id FROM a WHERE id IN (SELECT a_id FROM b LIMIT 2);
