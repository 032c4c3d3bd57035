-- Collations: the default is case- and accent-insensitive (comparison, ORDER BY, keys), _bin
-- compares code points, COLLATE in expressions; MariaDB's default differs (see known-differences).
CREATE TABLE c (id INT PRIMARY KEY, s VARCHAR(20), b VARCHAR(20) COLLATE utf8mb4_bin);
INSERT INTO c VALUES (1, 'apple', 'apple'), (2, 'Apple', 'Apple'), (3, 'APPLE', 'APPLE');
INSERT INTO c VALUES (4, 'banana', 'banana'), (5, 'Banana', 'Banana'), (6, 'cherry', 'cherry');
SELECT id FROM c WHERE s = 'apple' ORDER BY id;
SELECT id FROM c WHERE b = 'apple' ORDER BY id;
SELECT id FROM c WHERE s = 'APPLE' ORDER BY id;
SELECT id FROM c WHERE b = 'APPLE' ORDER BY id;
SELECT id FROM c WHERE s LIKE 'a%' ORDER BY id;
SELECT id FROM c WHERE b LIKE 'a%' ORDER BY id;
SELECT id FROM c WHERE s LIKE 'B_nana' ORDER BY id;
SELECT b FROM c ORDER BY b;
SELECT id FROM c WHERE s = 'apple' COLLATE utf8mb4_bin ORDER BY id;
SELECT id FROM c WHERE b COLLATE utf8mb4_general_ci = 'apple' ORDER BY id;
SELECT 'a' = 'A', 'a' = 'A' COLLATE utf8mb4_bin, 'a' < 'B', 'a' COLLATE utf8mb4_bin < 'B';
SELECT STRCMP('abc', 'ABC'), STRCMP('abc' COLLATE utf8mb4_bin, 'ABC');
SELECT 'abc' LIKE 'ABC', 'abc' LIKE 'ABC' COLLATE utf8mb4_bin;
SELECT LOCATE('B', 'abc'), INSTR('ABC', 'b');
CREATE TABLE ck (k VARCHAR(10) PRIMARY KEY);
INSERT INTO ck VALUES ('abc');
-- error 1062
INSERT INTO ck VALUES ('ABC');
CREATE TABLE cb (k VARCHAR(10) COLLATE utf8mb4_bin PRIMARY KEY);
INSERT INTO cb VALUES ('abc'), ('ABC'), ('Abc');
SELECT k FROM cb ORDER BY k;
SELECT k FROM cb WHERE k = 'abc';
-- error 1253
SELECT 'a' COLLATE latin1_bin;
-- error 1273
SELECT 'a' COLLATE no_such_collation;
