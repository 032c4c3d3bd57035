-- DECIMAL: scale padding on output, rounding on input, precision limits (1264), arithmetic.
CREATE TABLE d (id INT PRIMARY KEY, a DECIMAL(10,2), b DECIMAL(5,0), c DECIMAL(20,6),
  u DECIMAL(6,3) UNSIGNED);
INSERT INTO d VALUES (1, 1.5, 7, 0.000001, 1.25), (2, -12345678.99, -99999, 12345678901234.5, 0),
  (3, 0, 0, NULL, 999.999);
INSERT INTO d VALUES (4, 2.345, 1.5, 1, 0.0004);
-- error 1264
INSERT INTO d (id, a) VALUES (5, 123456789.00);
-- error 1264
INSERT INTO d (id, u) VALUES (6, -1);
SELECT * FROM d ORDER BY id;
SELECT id FROM d WHERE a > 1.4 ORDER BY id;
SELECT id FROM d WHERE a = 1.50;
SELECT a + 1 AS plus, a * 2 AS twice, -a AS neg FROM d WHERE id = 1;
