-- WHERE with =, <>, !=, <, <=, >, >=, AND, OR, NOT, parentheses, IS [NOT] NULL, and NULL logic.
CREATE TABLE t (id INT PRIMARY KEY, a INT, b VARCHAR(10), c DECIMAL(5,2));
INSERT INTO t VALUES (1, 10, 'x', 1.50), (2, 20, 'y', NULL), (3, NULL, 'x', 3.00),
  (4, 40, NULL, 0.00), (5, 50, 'z', 9.99);
SELECT id FROM t WHERE a = 20;
SELECT id FROM t WHERE a <> 20;
SELECT id FROM t WHERE a != 20;
SELECT id FROM t WHERE a < 40;
SELECT id FROM t WHERE a <= 40;
SELECT id FROM t WHERE a > 20;
SELECT id FROM t WHERE a >= 20;
SELECT id FROM t WHERE b = 'x' AND a > 5;
SELECT id FROM t WHERE b = 'x' OR a >= 50;
SELECT id FROM t WHERE NOT (a > 20);
SELECT id FROM t WHERE NOT a > 20 OR b = 'z';
SELECT id FROM t WHERE (a > 10 OR b = 'x') AND c IS NOT NULL;
SELECT id FROM t WHERE b IS NULL;
SELECT id FROM t WHERE c IS NULL OR a IS NULL;
SELECT id FROM t WHERE a = NULL;
SELECT id FROM t WHERE c > 1;
SELECT id FROM t WHERE b < 'y';
SELECT id FROM t WHERE id = 3 AND NOT b = 'y';
