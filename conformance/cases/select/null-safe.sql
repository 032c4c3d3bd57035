-- The null-safe equality <=>: 1 when both sides are NULL, 0 when one is, else =; in WHERE, ON,
-- select lists, with subqueries, and in UPDATE / DELETE.
CREATE TABLE ns (id INT PRIMARY KEY, v INT, s VARCHAR(10));
INSERT INTO ns VALUES (1, NULL, NULL), (2, 2, 'a'), (3, 3, 'B'), (4, NULL, 'b');
SELECT 1 <=> 1, NULL <=> NULL, 1 <=> NULL, NULL <=> 0;
SELECT 'a' <=> 'A', 2 <= 3, (1 <=> 1) <= 2, NOT (NULL <=> 1);
SELECT id FROM ns WHERE v <=> NULL ORDER BY id;
SELECT id FROM ns WHERE v <=> 2 OR v <= 2 ORDER BY id;
SELECT id FROM ns WHERE NOT (v <=> 3) ORDER BY id;
SELECT id FROM ns WHERE s <=> 'b' ORDER BY id;
SELECT COUNT(*) FROM ns a JOIN ns b ON a.v <=> b.v;
SELECT a.id, b.id FROM ns a LEFT JOIN ns b ON a.v <=> b.v AND a.id <> b.id ORDER BY a.id, b.id;
SELECT id FROM ns WHERE v <=> (SELECT MAX(v) FROM ns) ORDER BY id;
SELECT COUNT(*) FROM ns WHERE v <=> NULL AND s <=> NULL;
UPDATE ns SET v = 9 WHERE v <=> NULL AND s <=> 'b';
SELECT id, v FROM ns ORDER BY id;
DELETE FROM ns WHERE s <=> NULL;
SELECT id FROM ns ORDER BY id;
