-- DELETE: by key, by predicate, no match, everything.
CREATE TABLE log (id INT PRIMARY KEY, level VARCHAR(10) NOT NULL, msg TEXT);
INSERT INTO log VALUES (1, 'info', 'a'), (2, 'warn', 'b'), (3, 'info', 'c'), (4, 'error', NULL),
  (5, 'info', 'e');
DELETE FROM log WHERE id = 2;
DELETE FROM log WHERE level = 'info' AND id > 1;
DELETE FROM log WHERE id = 42;
SELECT * FROM log ORDER BY id;
DELETE FROM log;
SELECT * FROM log;
