-- INSERT forms: IGNORE with warnings, ON DUPLICATE KEY UPDATE (VALUES(), counts 1 / 2 / 0),
-- INSERT … SELECT, INSERT … SET, DEFAULT, REPLACE; affected rows and info strings.
CREATE TABLE u (id INT PRIMARY KEY, email VARCHAR(30) UNIQUE, visits INT NOT NULL DEFAULT 0,
  name VARCHAR(10));
INSERT INTO u VALUES (1, 'a@x', 1, 'ann'), (2, 'b@x', 1, 'bob');
-- error 1062
INSERT INTO u VALUES (3, 'c@x', 0, 'cy'), (1, 'd@x', 0, 'di');
SELECT * FROM u ORDER BY id;
INSERT IGNORE INTO u VALUES (3, 'c@x', 0, 'cy'), (1, 'd@x', 0, 'di'), (4, 'b@x', 0, 'bo');
SHOW WARNINGS;
SELECT * FROM u ORDER BY id;
INSERT IGNORE INTO u VALUES (1, 'zz', 0, 'z');
INSERT IGNORE INTO u VALUES (5, 'e@x', 0, 'a very long name indeed');
SELECT * FROM u WHERE id = 5;
INSERT IGNORE INTO u (id, email, visits) VALUES (6, 'f@x', NULL);
SELECT * FROM u WHERE id = 6;
-- ON DUPLICATE KEY UPDATE.
INSERT INTO u (id, email) VALUES (7, 'g@x') ON DUPLICATE KEY UPDATE visits = visits + 1;
INSERT INTO u (id, email) VALUES (7, 'g@x') ON DUPLICATE KEY UPDATE visits = visits + 1;
SELECT id, visits FROM u WHERE id = 7;
INSERT INTO u (id, email, visits) VALUES (7, 'g@x', 10) ON DUPLICATE KEY UPDATE visits = VALUES(visits);
SELECT id, visits FROM u WHERE id = 7;
INSERT INTO u (id, email, visits) VALUES (7, 'g@x', 10) ON DUPLICATE KEY UPDATE visits = VALUES(visits);
INSERT INTO u (id, email, visits) VALUES (7, 'g@x', 10) ON DUPLICATE KEY UPDATE visits = 10, name = name;
-- A duplicate on the unique email, not the id.
INSERT INTO u (id, email, name) VALUES (99, 'a@x', 'x') ON DUPLICATE KEY UPDATE name = 'again';
SELECT * FROM u WHERE email = 'a@x';
SELECT COUNT(*) FROM u WHERE id = 99;
-- Several rows, some new, some duplicates.
INSERT INTO u (id, email, visits) VALUES (1, 'a@x', 5), (8, 'h@x', 5), (2, 'b@x', 1)
  ON DUPLICATE KEY UPDATE visits = visits + VALUES(visits);
SELECT id, visits FROM u WHERE id IN (1, 2, 8) ORDER BY id;
INSERT INTO u (id, email) VALUES (9, 'i@x'), (9, 'i@x') ON DUPLICATE KEY UPDATE visits = visits + 100;
SELECT id, visits FROM u WHERE id = 9;
-- error 1062
INSERT INTO u (id, email) VALUES (2, 'x@x') ON DUPLICATE KEY UPDATE email = 'a@x';
-- INSERT … SET and DEFAULT.
INSERT INTO u SET id = 10, email = 'j@x', name = 'jo';
INSERT INTO u SET id = 11, email = 'k@x', visits = DEFAULT;
INSERT INTO u (id, email, visits) VALUES (12, 'l@x', DEFAULT(visits) + 3);
INSERT INTO u VALUES (13, 'm@x', DEFAULT, DEFAULT);
SELECT * FROM u WHERE id >= 10 ORDER BY id;
-- INSERT … SELECT.
CREATE TABLE archive (id INT PRIMARY KEY, email VARCHAR(30), visits INT);
INSERT INTO archive SELECT id, email, visits FROM u WHERE id <= 3;
SELECT * FROM archive ORDER BY id;
INSERT INTO archive (id, email) SELECT id + 100, UPPER(email) FROM u WHERE id BETWEEN 4 AND 6;
SELECT * FROM archive ORDER BY id;
-- error 1062
INSERT INTO archive SELECT id, email, visits FROM u WHERE id <= 4;
INSERT IGNORE INTO archive SELECT id, email, visits FROM u WHERE id <= 4;
SELECT COUNT(*) FROM archive;
INSERT INTO archive SELECT id, email, visits FROM u WHERE id <= 4
  ON DUPLICATE KEY UPDATE visits = archive.visits + 1000;
SELECT id, visits FROM archive WHERE id <= 4 ORDER BY id;
INSERT INTO archive (id, email, visits) SELECT 200, 'sum', SUM(visits) FROM u;
SELECT * FROM archive WHERE id = 200;
INSERT INTO archive SELECT id + 300, email, visits FROM archive WHERE id < 3;
SELECT id FROM archive WHERE id > 300 ORDER BY id;
-- error 1136
INSERT INTO archive SELECT id FROM u;
-- error 1136
INSERT INTO archive VALUES (1, 2);
-- error 1136
INSERT INTO archive (id) VALUES (1, 2);
-- error 1054
INSERT INTO archive (id, nothing) VALUES (1, 2);
-- error 1110
INSERT INTO archive (id, id) VALUES (1, 2);
-- REPLACE.
CREATE TABLE r (id INT PRIMARY KEY, k VARCHAR(5) UNIQUE, v INT);
REPLACE INTO r VALUES (1, 'a', 1);
REPLACE INTO r VALUES (1, 'a', 2);
REPLACE INTO r VALUES (2, 'b', 3), (3, 'c', 4);
REPLACE INTO r VALUES (4, 'a', 5);
SELECT * FROM r ORDER BY id;
REPLACE INTO r VALUES (2, 'c', 6);
SELECT * FROM r ORDER BY id;
REPLACE INTO r SET id = 9, k = 'z', v = 9;
REPLACE INTO r (id, k) SELECT id + 10, CONCAT(k, 'x') FROM r WHERE id < 5;
SELECT * FROM r ORDER BY id;
REPLACE r VALUES (11, 'ax', 0);
SELECT * FROM r WHERE id = 11;
-- LAST_INSERT_ID() after a duplicate: unchanged when the row is updated or ignored; the upsert
-- idiom id = LAST_INSERT_ID(id) names the updated row.
CREATE TABLE lid (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, code CHAR(3) NOT NULL, n INT, UNIQUE KEY (code));
INSERT INTO lid (code, n) VALUES ('abc', 1), ('def', 2);
SELECT LAST_INSERT_ID();
INSERT INTO lid (code, n) VALUES ('def', 9) ON DUPLICATE KEY UPDATE n = VALUES(n);
SELECT LAST_INSERT_ID();
INSERT IGNORE INTO lid (code, n) VALUES ('abc', 5);
SELECT LAST_INSERT_ID();
INSERT INTO lid (code, n) VALUES ('def', 10) ON DUPLICATE KEY UPDATE n = VALUES(n), id = LAST_INSERT_ID(id);
SELECT LAST_INSERT_ID();
SELECT code, n FROM lid ORDER BY code;
