-- ALTER TABLE on a table with data: columns added, dropped, modified, changed, renamed and moved;
-- indexes and keys added and dropped; several changes in one statement; the rows survive.
CREATE TABLE items (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) NOT NULL, price DECIMAL(8,2));
INSERT INTO items VALUES (1, 'pen', 1.50), (2, 'ink', 7.25), (3, 'pad', NULL);
ALTER TABLE items ADD COLUMN qty INT NOT NULL DEFAULT 0;
SELECT * FROM items ORDER BY id;
ALTER TABLE items ADD COLUMN sku VARCHAR(10) FIRST;
SELECT * FROM items ORDER BY id;
ALTER TABLE items ADD COLUMN note VARCHAR(30) DEFAULT 'none' AFTER name;
SELECT * FROM items ORDER BY id;
ALTER TABLE items DROP COLUMN sku;
SELECT * FROM items ORDER BY id;
ALTER TABLE items MODIFY COLUMN name VARCHAR(40) NOT NULL;
INSERT INTO items (id, name) VALUES (4, 'a much longer name than twenty');
SELECT id, name, qty FROM items ORDER BY id;
ALTER TABLE items CHANGE COLUMN note remark VARCHAR(30) DEFAULT 'n/a';
SELECT id, remark FROM items ORDER BY id;
INSERT INTO items (id, name) VALUES (5, 'cup');
SELECT id, remark FROM items WHERE id = 5;
ALTER TABLE items RENAME COLUMN remark TO comment;
SELECT id, comment FROM items ORDER BY id;
-- error 1054
SELECT remark FROM items;
ALTER TABLE items MODIFY price DECIMAL(10,3) AFTER id;
SELECT * FROM items ORDER BY id;
ALTER TABLE items ALTER COLUMN qty SET DEFAULT 9;
INSERT INTO items (id, name) VALUES (6, 'mug');
SELECT id, qty FROM items WHERE id = 6;
ALTER TABLE items ALTER COLUMN qty DROP DEFAULT;
-- error 1364
INSERT INTO items (id, name) VALUES (7, 'jar');
SELECT COUNT(*) FROM items;
ALTER TABLE items ADD COLUMN a INT, ADD COLUMN b INT AFTER id, DROP COLUMN comment;
SELECT * FROM items ORDER BY id;
ALTER TABLE items ADD INDEX by_name (name), ADD UNIQUE KEY by_b (b);
UPDATE items SET b = id * 10;
-- error 1062
UPDATE items SET b = 10 WHERE id = 2;
SELECT id, b FROM items WHERE b >= 30 ORDER BY b;
ALTER TABLE items DROP INDEX by_b;
UPDATE items SET b = 10 WHERE id = 2;
SELECT id, b FROM items ORDER BY id;
-- error 1091
ALTER TABLE items DROP INDEX by_b;
-- error 1061
ALTER TABLE items ADD INDEX by_name (qty);
-- error 1060
ALTER TABLE items ADD COLUMN name INT;
-- error 1091
ALTER TABLE items DROP COLUMN nothing;
-- error 1054
ALTER TABLE items MODIFY nothing INT;
-- error 1054
ALTER TABLE items ADD COLUMN z INT AFTER nothing;
-- error 1146
ALTER TABLE missing ADD COLUMN z INT;
ALTER TABLE items DROP COLUMN a, DROP COLUMN b;
SELECT * FROM items ORDER BY id;
-- A narrowing MODIFY under strict mode fails and leaves the table as it was.
-- error 1406
ALTER TABLE items MODIFY name CHAR(3) NOT NULL;
SELECT id, name FROM items ORDER BY id;
-- error 1138 1265
ALTER TABLE items MODIFY price DECIMAL(10,3) NOT NULL;
UPDATE items SET price = 0 WHERE price IS NULL;
ALTER TABLE items MODIFY price DECIMAL(10,3) NOT NULL;
SELECT id, price FROM items ORDER BY id;
-- Converting types keeps the values.
CREATE TABLE conv (id INT PRIMARY KEY, n VARCHAR(10), d VARCHAR(20));
INSERT INTO conv VALUES (1, '42', '2024-01-15'), (2, '-7', '1999-12-31');
ALTER TABLE conv MODIFY n INT, MODIFY d DATE;
SELECT id, n + 1, d FROM conv ORDER BY id;
-- error 1264
ALTER TABLE conv MODIFY n BIGINT UNSIGNED;
SELECT id, n FROM conv ORDER BY id;
UPDATE conv SET n = '7' WHERE id = 2;
ALTER TABLE conv MODIFY n BIGINT UNSIGNED;
-- error 1264
INSERT INTO conv VALUES (3, -1, NULL);
ALTER TABLE conv MODIFY n VARCHAR(5);
SELECT id, n FROM conv ORDER BY id;
-- The primary key: dropped, added again on other columns.
CREATE TABLE pk (a INT NOT NULL, b INT NOT NULL, c VARCHAR(5), PRIMARY KEY (a));
INSERT INTO pk VALUES (1, 1, 'x'), (2, 1, 'y'), (3, 2, 'z');
ALTER TABLE pk DROP PRIMARY KEY;
INSERT INTO pk VALUES (1, 5, 'dup');
SELECT * FROM pk ORDER BY a, b;
-- error 1062
ALTER TABLE pk ADD PRIMARY KEY (a);
DELETE FROM pk WHERE c = 'dup';
ALTER TABLE pk ADD PRIMARY KEY (b, a);
SELECT * FROM pk ORDER BY b, a;
-- error 1068
ALTER TABLE pk ADD PRIMARY KEY (c);
-- error 1062
INSERT INTO pk VALUES (2, 1, 'w');
ALTER TABLE pk DROP PRIMARY KEY, ADD PRIMARY KEY (a);
SELECT * FROM pk ORDER BY a;
-- error 1091
ALTER TABLE conv DROP INDEX nope;
-- RENAME TO and options.
ALTER TABLE conv RENAME TO converted;
-- error 1146
SELECT * FROM conv;
SELECT COUNT(*) FROM converted;
ALTER TABLE converted RENAME AS conv2, ADD COLUMN e INT DEFAULT 5;
SELECT * FROM conv2 ORDER BY id;
ALTER TABLE conv2 ENGINE = InnoDB;
ALTER TABLE conv2 COMMENT = 'converted rows';
ALTER TABLE conv2 DEFAULT CHARACTER SET utf8mb4;
ALTER TABLE conv2 DISABLE KEYS;
ALTER TABLE conv2 ENABLE KEYS;
SELECT * FROM conv2 ORDER BY id;
ALTER TABLE conv2 AUTO_INCREMENT = 100;
ALTER TABLE conv2 ROW_FORMAT = DYNAMIC;
SELECT COUNT(*) FROM conv2;
-- AUTO_INCREMENT added to a column with rows.
CREATE TABLE ai (id INT NOT NULL, v VARCHAR(5));
INSERT INTO ai VALUES (3, 'a'), (7, 'b');
ALTER TABLE ai MODIFY id INT NOT NULL AUTO_INCREMENT PRIMARY KEY;
INSERT INTO ai (v) VALUES ('c');
SELECT * FROM ai ORDER BY id;
-- error 1075
ALTER TABLE items ADD COLUMN seq INT AUTO_INCREMENT;
