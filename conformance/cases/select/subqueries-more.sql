-- Subqueries: nested, two levels of correlation, in HAVING / ORDER BY / select list with grouping,
-- empty subqueries, NOT IN with NULLs, derived tables inside subqueries.
CREATE TABLE c (id INT PRIMARY KEY, name VARCHAR(10), region INT);
CREATE TABLE o (id INT PRIMARY KEY, c_id INT, amount INT, status VARCHAR(6));
CREATE TABLE r (id INT PRIMARY KEY, label VARCHAR(10));
INSERT INTO c VALUES (1, 'ann', 1), (2, 'bob', 1), (3, 'cy', 2), (4, 'di', NULL);
INSERT INTO o VALUES (1, 1, 10, 'paid'), (2, 1, 20, 'open'), (3, 2, 5, 'paid'), (4, 3, NULL, 'open'),
  (5, NULL, 7, 'paid'), (6, 2, 15, 'void');
INSERT INTO r VALUES (1, 'north'), (2, 'south'), (3, 'empty');
SELECT name FROM c WHERE id IN (SELECT c_id FROM o WHERE amount > (SELECT AVG(amount) FROM o));
SELECT name FROM c WHERE EXISTS (SELECT 1 FROM o WHERE o.c_id = c.id AND EXISTS
  (SELECT 1 FROM r WHERE r.id = c.region AND o.status = 'paid'));
SELECT r.label, (SELECT COUNT(*) FROM c WHERE c.region = r.id AND EXISTS
  (SELECT 1 FROM o WHERE o.c_id = c.id AND o.amount > r.id * 5)) AS n FROM r;
SELECT c.region, COUNT(*), (SELECT label FROM r WHERE r.id = c.region) FROM c GROUP BY c.region;
SELECT c_id, SUM(amount) FROM o GROUP BY c_id HAVING SUM(amount) > (SELECT MIN(amount) * 2 FROM o);
SELECT name FROM c ORDER BY (SELECT SUM(amount) FROM o WHERE o.c_id = c.id) DESC, name;
SELECT id FROM c WHERE id NOT IN (SELECT c_id FROM o);
SELECT id FROM c WHERE id NOT IN (SELECT c_id FROM o WHERE c_id IS NOT NULL);
SELECT id FROM c WHERE id IN (SELECT c_id FROM o WHERE 1 = 0);
SELECT id FROM c WHERE id NOT IN (SELECT c_id FROM o WHERE 1 = 0);
SELECT id FROM c WHERE region = ALL (SELECT region FROM c WHERE id = 1);
SELECT id FROM c WHERE region <> ALL (SELECT id FROM r WHERE id > 1);
SELECT id FROM c WHERE region > ANY (SELECT id FROM r WHERE id > 5);
-- error 1054
SELECT id, (SELECT MAX(t.amount) FROM (SELECT amount FROM o WHERE o.c_id = c.id) t) FROM c;
SELECT t.c_id, t.total FROM (SELECT c_id, SUM(amount) AS total FROM o GROUP BY c_id) t
  WHERE t.total > (SELECT AVG(amount) FROM o);
SELECT name FROM c WHERE (SELECT COUNT(*) FROM o WHERE o.c_id = c.id) = 2;
SELECT name FROM c WHERE region IN (SELECT id FROM r WHERE label LIKE '%th');
SELECT DISTINCT status FROM o WHERE c_id IN (SELECT id FROM c WHERE region = 1) ORDER BY status;
SELECT o.id FROM o WHERE o.amount = (SELECT MAX(o2.amount) FROM o o2 WHERE o2.status = o.status);
