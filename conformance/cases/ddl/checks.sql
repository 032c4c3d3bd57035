-- CHECK constraints: column and table checks, enforced on INSERT and UPDATE (3819), NULL passes,
-- IGNORE turns a violation into a warning, ALTER TABLE ADD / DROP CHECK.
CREATE TABLE acct (
  id INT PRIMARY KEY,
  balance DECIMAL(10,2) CHECK (balance >= 0),
  lo INT,
  hi INT,
  CONSTRAINT lo_le_hi CHECK (lo <= hi)
);
INSERT INTO acct VALUES (1, 10.00, 1, 2);
INSERT INTO acct VALUES (2, NULL, NULL, 5);
-- error 3819 4025
INSERT INTO acct VALUES (3, -1.00, 1, 2);
-- error 3819 4025
INSERT INTO acct VALUES (4, 1.00, 5, 2);
-- error 3819 4025
UPDATE acct SET balance = balance - 100 WHERE id = 1;
-- error 3819 4025
UPDATE acct SET lo = 10 WHERE id = 1;
UPDATE acct SET lo = 2 WHERE id = 1;
SELECT * FROM acct ORDER BY id;
INSERT IGNORE INTO acct VALUES (5, -5.00, 1, 1), (6, 6.00, 1, 1);
SELECT * FROM acct ORDER BY id;
-- error 3819 4025
INSERT INTO acct VALUES (7, 1.00, 3, 1), (8, 1.00, 1, 3);
SELECT COUNT(*) FROM acct;
ALTER TABLE acct DROP CONSTRAINT lo_le_hi;
INSERT INTO acct VALUES (9, 1.00, 9, 1);
SELECT id, lo, hi FROM acct WHERE id = 9;
-- (MySQL 8 refuses to add a check that a row violates, 3819; MariaDB adds it: engine tests.)
DELETE FROM acct WHERE id = 9;
ALTER TABLE acct ADD CONSTRAINT lo_le_hi2 CHECK (lo <= hi);
-- error 3819 4025
INSERT INTO acct VALUES (10, 1.00, 9, 1);
ALTER TABLE acct DROP CONSTRAINT lo_le_hi2;
INSERT INTO acct VALUES (10, 1.00, 9, 1);
SELECT COUNT(*) FROM acct;
-- Checks over several columns and functions.
CREATE TABLE person (
  id INT PRIMARY KEY,
  email VARCHAR(50) CHECK (email LIKE '%@%'),
  born DATE,
  died DATE,
  CHECK (died IS NULL OR died >= born),
  code CHAR(3) CHECK (CHAR_LENGTH(code) = 3)
);
INSERT INTO person VALUES (1, 'a@b.c', '1950-01-01', NULL, 'abc');
INSERT INTO person VALUES (2, 'x@y', '1900-05-05', '1980-01-01', 'xyz');
-- error 3819 4025
INSERT INTO person VALUES (3, 'nobody', NULL, NULL, 'abc');
-- error 3819 4025
INSERT INTO person VALUES (4, 'c@d', '2000-01-01', '1999-01-01', 'abc');
-- error 3819 4025
INSERT INTO person VALUES (5, 'c@d', NULL, NULL, 'ab');
SELECT id, email FROM person ORDER BY id;
-- error 3819 4025
REPLACE INTO person VALUES (1, 'bad', NULL, NULL, 'abc');
REPLACE INTO person VALUES (1, 'new@mail', NULL, NULL, 'new');
SELECT * FROM person ORDER BY id;
-- error 3819 4025
INSERT INTO person VALUES (2, 'x@y', NULL, NULL, 'xyz') ON DUPLICATE KEY UPDATE email = 'broken';
INSERT INTO person VALUES (2, 'x@y', NULL, NULL, 'xyz') ON DUPLICATE KEY UPDATE email = 'fixed@x';
SELECT id, email FROM person ORDER BY id;
