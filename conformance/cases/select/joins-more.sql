-- More joins: four tables, USING on two columns, anti-joins, joins on expressions and OR,
-- derived tables on both sides, NATURAL RIGHT JOIN, joins with GROUP BY and HAVING.
CREATE TABLE a (x INT, y INT, v VARCHAR(5), PRIMARY KEY (x, y));
CREATE TABLE b (x INT, y INT, w INT, PRIMARY KEY (x, y));
CREATE TABLE k (id INT PRIMARY KEY, x INT);
CREATE TABLE z (id INT PRIMARY KEY, k_id INT, note VARCHAR(5));
INSERT INTO a VALUES (1, 1, 'p'), (1, 2, 'q'), (2, 1, 'r'), (3, 3, 's');
INSERT INTO b VALUES (1, 1, 10), (1, 2, 20), (2, 2, 30), (4, 4, 40);
INSERT INTO k VALUES (1, 1), (2, 2), (3, NULL), (4, 1);
INSERT INTO z VALUES (1, 1, 'z1'), (2, 1, 'z2'), (3, 4, 'z3'), (4, 9, 'z4');
SELECT * FROM a JOIN b USING (x, y);
SELECT * FROM a LEFT JOIN b USING (x, y);
SELECT * FROM a NATURAL JOIN b;
SELECT * FROM a NATURAL RIGHT JOIN b;
SELECT a.v FROM a LEFT JOIN b ON a.x = b.x AND a.y = b.y WHERE b.x IS NULL;
SELECT a.v, b.w FROM a JOIN b ON a.x = b.x OR a.y = b.y;
SELECT a.v, b.w FROM a JOIN b ON a.x + a.y = b.x + 1;
SELECT k.id, a.v, b.w, z.note FROM k JOIN a ON a.x = k.x JOIN b ON b.x = a.x AND b.y = a.y
  LEFT JOIN z ON z.k_id = k.id;
SELECT p.x, p.n, q.m FROM (SELECT x, COUNT(*) AS n FROM a GROUP BY x) p
  JOIN (SELECT x, MAX(w) AS m FROM b GROUP BY x) q ON p.x = q.x;
SELECT k.x, COUNT(z.id), SUM(CASE WHEN z.note IS NULL THEN 1 ELSE 0 END) FROM k LEFT JOIN z ON z.k_id = k.id
  GROUP BY k.x;
SELECT k.x, COUNT(*) AS n FROM k JOIN z ON z.k_id = k.id GROUP BY k.x HAVING n > 1;
SELECT k1.id, k2.id FROM k k1 JOIN k k2 ON k1.x = k2.x AND k1.id < k2.id;
SELECT k1.id, k2.id FROM k k1 LEFT JOIN k k2 ON k1.x = k2.x AND k1.id <> k2.id ORDER BY k1.id, k2.id;
SELECT a.v FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.x = a.x);
SELECT z.note, k.x FROM z RIGHT JOIN k ON k.id = z.k_id;
SELECT COUNT(*) FROM a, b, k WHERE a.x = b.x AND b.x = k.x;
SELECT a.v, k.id FROM a CROSS JOIN k WHERE k.x IS NULL;
