-- FOREIGN KEY: RESTRICT / NO ACTION / CASCADE / SET NULL on DELETE and UPDATE, 1451 / 1452,
-- foreign_key_checks, multi-column keys, self references, ALTER TABLE ADD / DROP FOREIGN KEY.
CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(10));
CREATE TABLE child (
  id INT PRIMARY KEY,
  parent_id INT,
  note VARCHAR(10),
  FOREIGN KEY (parent_id) REFERENCES parent (id)
);
INSERT INTO parent VALUES (1, 'p1'), (2, 'p2'), (3, 'p3');
INSERT INTO child VALUES (10, 1, 'a'), (11, 1, 'b'), (12, 2, 'c'), (13, NULL, 'orphan');
-- error 1452
INSERT INTO child VALUES (14, 9, 'bad');
-- error 1452
UPDATE child SET parent_id = 8 WHERE id = 10;
-- error 1451
DELETE FROM parent WHERE id = 1;
-- error 1451
UPDATE parent SET id = 5 WHERE id = 2;
DELETE FROM parent WHERE id = 3;
UPDATE parent SET name = 'P1' WHERE id = 1;
SELECT * FROM parent ORDER BY id;
SELECT * FROM child ORDER BY id;
-- error 1451
DROP TABLE parent;
-- error 1701
TRUNCATE TABLE parent;
SET foreign_key_checks = 0;
INSERT INTO child VALUES (15, 99, 'unchecked');
DELETE FROM parent WHERE id = 2;
SET foreign_key_checks = 1;
SELECT * FROM child ORDER BY id;
SELECT * FROM parent ORDER BY id;
DELETE FROM child WHERE id IN (12, 15);
-- CASCADE and SET NULL.
CREATE TABLE author (id INT PRIMARY KEY, name VARCHAR(10));
CREATE TABLE book (
  id INT PRIMARY KEY,
  author_id INT,
  editor_id INT,
  title VARCHAR(20),
  CONSTRAINT fk_book_author FOREIGN KEY (author_id) REFERENCES author (id)
    ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT fk_book_editor FOREIGN KEY (editor_id) REFERENCES author (id)
    ON DELETE SET NULL ON UPDATE SET NULL
);
INSERT INTO author VALUES (1, 'ann'), (2, 'bob'), (3, 'cy');
INSERT INTO book VALUES (100, 1, 2, 'one'), (101, 1, 3, 'two'), (102, 2, 1, 'three'), (103, 3, 3, 'four');
DELETE FROM author WHERE id = 1;
SELECT * FROM book ORDER BY id;
UPDATE author SET id = 20 WHERE id = 2;
SELECT * FROM book ORDER BY id;
UPDATE author SET id = 30 WHERE id = 3;
SELECT * FROM book ORDER BY id;
DELETE FROM author;
SELECT COUNT(*) FROM book;
-- A chain of cascades.
CREATE TABLE g1 (id INT PRIMARY KEY);
CREATE TABLE g2 (id INT PRIMARY KEY, g1 INT, FOREIGN KEY (g1) REFERENCES g1 (id) ON DELETE CASCADE);
CREATE TABLE g3 (id INT PRIMARY KEY, g2 INT, FOREIGN KEY (g2) REFERENCES g2 (id) ON DELETE CASCADE);
INSERT INTO g1 VALUES (1), (2);
INSERT INTO g2 VALUES (10, 1), (20, 2);
INSERT INTO g3 VALUES (100, 10), (101, 10), (200, 20);
DELETE FROM g1 WHERE id = 1;
SELECT * FROM g2 ORDER BY id;
SELECT * FROM g3 ORDER BY id;
-- error 1451
DROP TABLE g2;
DROP TABLE g3, g2, g1;
-- A self reference.
CREATE TABLE emp (id INT PRIMARY KEY, boss INT, FOREIGN KEY (boss) REFERENCES emp (id) ON DELETE CASCADE);
INSERT INTO emp VALUES (1, NULL), (2, 1), (3, 2), (4, 1);
-- error 1452
INSERT INTO emp VALUES (5, 9);
DELETE FROM emp WHERE id = 2;
SELECT * FROM emp ORDER BY id;
-- A two-column key.
CREATE TABLE region (country CHAR(2), code INT, name VARCHAR(10), PRIMARY KEY (country, code));
CREATE TABLE office (
  id INT PRIMARY KEY,
  country CHAR(2),
  code INT,
  FOREIGN KEY (country, code) REFERENCES region (country, code) ON UPDATE CASCADE
);
INSERT INTO region VALUES ('no', 1, 'oslo'), ('se', 1, 'sthlm');
INSERT INTO office VALUES (1, 'no', 1), (2, 'se', 1), (3, NULL, 7);
-- error 1452
INSERT INTO office VALUES (4, 'no', 2);
UPDATE region SET code = 2 WHERE country = 'no';
SELECT * FROM office ORDER BY id;
-- error 1451
DELETE FROM region WHERE country = 'se';
-- ALTER TABLE ADD / DROP FOREIGN KEY.
CREATE TABLE t1 (id INT PRIMARY KEY);
CREATE TABLE t2 (id INT PRIMARY KEY, t1 INT);
INSERT INTO t1 VALUES (1);
INSERT INTO t2 VALUES (1, 1), (2, 2);
-- error 1452
ALTER TABLE t2 ADD CONSTRAINT fk_t2 FOREIGN KEY (t1) REFERENCES t1 (id);
DELETE FROM t2 WHERE id = 2;
ALTER TABLE t2 ADD CONSTRAINT fk_t2 FOREIGN KEY (t1) REFERENCES t1 (id);
-- error 1452
INSERT INTO t2 VALUES (3, 3);
ALTER TABLE t2 DROP FOREIGN KEY fk_t2;
INSERT INTO t2 VALUES (3, 3);
SELECT * FROM t2 ORDER BY id;
-- error 1091
ALTER TABLE t2 DROP FOREIGN KEY fk_t2;
-- A reference to a missing table, with and without checks.
-- error 1824 1005
CREATE TABLE bad1 (id INT PRIMARY KEY, x INT, FOREIGN KEY (x) REFERENCES nowhere (id));
SET foreign_key_checks = 0;
CREATE TABLE later_child (id INT PRIMARY KEY, x INT, FOREIGN KEY (x) REFERENCES later_parent (id));
INSERT INTO later_child VALUES (1, 5);
SET foreign_key_checks = 1;
CREATE TABLE later_parent (id INT PRIMARY KEY);
-- error 1452
INSERT INTO later_child VALUES (2, 6);
INSERT INTO later_parent VALUES (6);
INSERT INTO later_child VALUES (2, 6);
SELECT * FROM later_child ORDER BY id;
-- error 3780 1005
CREATE TABLE bad2 (id INT PRIMARY KEY, x VARCHAR(5), FOREIGN KEY (x) REFERENCES later_parent (id));
-- error 3734 1005
CREATE TABLE bad3 (id INT PRIMARY KEY, x INT, FOREIGN KEY (x) REFERENCES later_parent (nothing));
