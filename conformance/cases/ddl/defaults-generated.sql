-- DEFAULT literals and expressions, DEFAULT(col), CURRENT_TIMESTAMP defaults, and generated
-- columns (VIRTUAL / STORED) computed on INSERT and UPDATE.
CREATE TABLE d (
  id INT PRIMARY KEY,
  a INT DEFAULT 5,
  b VARCHAR(10) DEFAULT 'x',
  c DOUBLE DEFAULT (RAND() * 0),
  e VARCHAR(20) DEFAULT (CONCAT('id-', 'none')),
  f DECIMAL(6,2) NOT NULL DEFAULT 1.5,
  g DATE DEFAULT '2020-02-02',
  h JSON DEFAULT (JSON_ARRAY(1, 2)),
  i INT DEFAULT NULL
);
INSERT INTO d (id) VALUES (1);
INSERT INTO d VALUES (2, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT);
INSERT INTO d (id, a, b) VALUES (3, DEFAULT(a) + 1, DEFAULT(b));
INSERT INTO d SET id = 4, f = DEFAULT(f) * 2;
SELECT * FROM d ORDER BY id;
UPDATE d SET a = 100 WHERE id = 1;
UPDATE d SET a = DEFAULT WHERE id = 1;
SELECT id, a FROM d WHERE id = 1;
UPDATE d SET a = DEFAULT(a) * 3 WHERE id = 2;
SELECT id, a FROM d WHERE id = 2;
CREATE TABLE nd (id INT PRIMARY KEY, v INT NOT NULL);
-- error 1364
INSERT INTO nd (id) VALUES (1);
INSERT IGNORE INTO nd (id) VALUES (1);
SELECT * FROM nd;
-- error 1067
CREATE TABLE bad_default (id INT DEFAULT 'abc');
-- error 1067
CREATE TABLE bad_default2 (d DATE DEFAULT '2020-13-45');
CREATE TABLE ts (
  id INT PRIMARY KEY,
  made TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  changed DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  v INT
);
INSERT INTO ts (id, v) VALUES (1, 1);
SELECT id, made IS NOT NULL, changed IS NOT NULL FROM ts;
UPDATE ts SET changed = '2000-01-01 00:00:00' WHERE id = 1;
SELECT changed FROM ts;
UPDATE ts SET v = 2 WHERE id = 1;
SELECT changed > '2000-01-01 00:00:00' FROM ts;
UPDATE ts SET changed = '2000-01-01 00:00:00', v = 3 WHERE id = 1;
SELECT changed FROM ts;
UPDATE ts SET v = 3 WHERE id = 1;
SELECT changed FROM ts;
-- Generated columns.
CREATE TABLE gen (
  id INT PRIMARY KEY,
  w DECIMAL(6,2),
  h DECIMAL(6,2),
  area DECIMAL(12,4) AS (w * h) STORED,
  label VARCHAR(30) GENERATED ALWAYS AS (CONCAT('box-', id)) VIRTUAL,
  big BOOLEAN AS (w * h > 10)
);
INSERT INTO gen (id, w, h) VALUES (1, 2, 3), (2, 4, 5), (3, NULL, 1);
SELECT * FROM gen ORDER BY id;
UPDATE gen SET w = 10 WHERE id = 1;
SELECT id, area, big FROM gen ORDER BY id;
SELECT id FROM gen WHERE area > 20 ORDER BY id;
INSERT INTO gen VALUES (4, 1, 1, DEFAULT, DEFAULT, DEFAULT);
SELECT * FROM gen WHERE id = 4;
SELECT label FROM gen ORDER BY label DESC;
ALTER TABLE gen ADD COLUMN perimeter DECIMAL(8,2) AS (2 * (w + h));
SELECT id, perimeter FROM gen ORDER BY id;
ALTER TABLE gen ADD COLUMN half DECIMAL(8,2) AS (w / 2) STORED;
SELECT id, half FROM gen ORDER BY id;
UPDATE gen SET w = w + 1;
SELECT id, w, area, perimeter, half FROM gen ORDER BY id;
DELETE FROM gen WHERE big;
SELECT id FROM gen ORDER BY id;
-- A generated column over a JSON document.
CREATE TABLE doc (id INT PRIMARY KEY, body JSON, name VARCHAR(20) AS (JSON_UNQUOTE(JSON_EXTRACT(body, '$.name'))));
INSERT INTO doc (id, body) VALUES (1, '{"name": "ann", "age": 3}'), (2, '{"age": 4}');
SELECT id, name FROM doc ORDER BY id;
SELECT id FROM doc WHERE name = 'ann';
