-- The errors the walking skeleton must get right: numbers and SQLSTATEs as MySQL sends them.
CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(10) NOT NULL);
INSERT INTO t VALUES (1, 'one');
-- ER_NO_SUCH_TABLE
-- error 1146
SELECT * FROM missing;
-- error 1146
INSERT INTO missing VALUES (1);
-- error 1146
UPDATE missing SET a = 1;
-- error 1146
DELETE FROM missing;
-- error 1146
SELECT * FROM t, missing;
-- ER_BAD_FIELD_ERROR
-- error 1054
SELECT nope FROM t;
-- error 1054
SELECT id FROM t WHERE nope = 1;
-- error 1054
INSERT INTO t (id, nope) VALUES (2, 'x');
-- error 1054
UPDATE t SET nope = 1;
-- error 1054
SELECT id FROM t ORDER BY nope;
-- ER_DUP_ENTRY, and nothing of the failing multi-row insert stays
-- error 1062
INSERT INTO t VALUES (1, 'again');
-- error 1062
INSERT INTO t VALUES (2, 'two'), (2, 'deux');
INSERT INTO t VALUES (2, 'two');
-- error 1062
UPDATE t SET id = 1 WHERE id = 2;
SELECT * FROM t ORDER BY id;
-- ER_PARSE_ERROR
-- error 1064
SELEC 1;
-- error 1064
SELECT * FROM;
-- error 1064
CREATE TABLE (id INT);
-- error 1064
INSERT INTO t VALUES (1, 'unterminated);
-- ER_BAD_DB_ERROR
-- error 1049
USE no_such_database;
-- error 1146
SELECT * FROM no_such_database.t;
-- ER_TABLE_EXISTS_ERROR
-- error 1050
CREATE TABLE t (id INT PRIMARY KEY);
-- ER_BAD_TABLE_ERROR
-- error 1051
DROP TABLE missing;
-- ER_BAD_NULL_ERROR
-- error 1048
INSERT INTO t VALUES (3, NULL);
-- ER_NO_DEFAULT_FOR_FIELD (strict mode)
-- error 1364
INSERT INTO t (id) VALUES (4);
-- ER_WRONG_VALUE_COUNT_ON_ROW
-- error 1136
INSERT INTO t VALUES (5);
SELECT * FROM t ORDER BY id;
