-- FLOAT and DOUBLE columns: storing, float32 rounding and FLOAT's six-digit display, (M,D),
-- UNSIGNED, ordering and keys, out-of-range values in strict mode (1264), arithmetic as DOUBLE.
CREATE TABLE f (id INT PRIMARY KEY, a FLOAT, b DOUBLE, c FLOAT(7,2), d DOUBLE(10,3), e REAL, u DOUBLE UNSIGNED);
INSERT INTO f VALUES (1, 3.14159265, 3.14159265, 3.14159, 3.14159265, 2.5, 0);
INSERT INTO f VALUES (2, 1234567, 1234567, 12345.678, 1234567.1234, -1e10, 1);
INSERT INTO f VALUES (3, 1e20, 1e20, NULL, NULL, 1e-10, 2);
INSERT INTO f VALUES (4, 0.1, 0.1, 0.1, 0.1, 0.1, 0.5);
INSERT INTO f VALUES (5, -123456789, 123456789, -99999.99, -9999999.999, 123.456e2, 1e300);
INSERT INTO f VALUES (6, '2.5', '-0.25', '1.005', '7', '1e3', '3');
SELECT * FROM f ORDER BY id;
SELECT id, a FROM f ORDER BY a;
SELECT id, b FROM f ORDER BY b DESC;
SELECT id FROM f WHERE b = 0.1;
SELECT id FROM f WHERE a = 2.5;
SELECT id FROM f WHERE b > 100 ORDER BY id;
SELECT id FROM f WHERE b BETWEEN -1 AND 10 ORDER BY id;
SELECT id, b + 1, b * 2, b / 4 FROM f WHERE id IN (1, 4, 6) ORDER BY id;
SELECT id, c + 0, d - 1 FROM f WHERE c IS NOT NULL ORDER BY id;
SELECT SUM(id) FROM f WHERE a > 1;
-- error 1264
INSERT INTO f (id, c) VALUES (10, 100000);
-- error 1264
INSERT INTO f (id, d) VALUES (11, 1e8);
-- error 1264
INSERT INTO f (id, u) VALUES (12, -1);
-- error 1264
INSERT INTO f (id, a) VALUES (13, 1e39);
-- error 1265
INSERT INTO f (id, b) VALUES (14, '1.5abc');
-- error 1366
INSERT INTO f (id, b) VALUES (15, 'abc');
SELECT COUNT(*) FROM f;
UPDATE f SET b = b * 10 WHERE id = 4;
SELECT b FROM f WHERE id = 4;
CREATE TABLE fk (k DOUBLE PRIMARY KEY, v VARCHAR(5));
INSERT INTO fk VALUES (1.5, 'a'), (-2, 'b'), (0, 'c'), (1e10, 'd'), (-1e-5, 'e');
SELECT * FROM fk ORDER BY k;
SELECT v FROM fk WHERE k = 1.5;
SELECT v FROM fk WHERE k > 0 ORDER BY k;
SELECT v FROM fk WHERE k < 0 ORDER BY k DESC;
-- error 1062
INSERT INTO fk VALUES (1.5, 'dup');
SET sql_mode = '';
INSERT INTO f (id, c, u) VALUES (20, 1e6, -5);
SELECT c, u FROM f WHERE id = 20;
SET sql_mode = DEFAULT;
