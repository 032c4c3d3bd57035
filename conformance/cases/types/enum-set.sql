-- ENUM and SET: members matched case-insensitively (stored as defined), indexes and masks in
-- numeric context, ENUM ordered by index, strict-mode errors (1265), keys.
CREATE TABLE e (id INT PRIMARY KEY, size ENUM('small', 'medium', 'large'), tags SET('red', 'green', 'blue'));
INSERT INTO e VALUES (1, 'large', 'red,blue'), (2, 'SMALL', 'Green'), (3, 'medium', ''), (4, NULL, NULL);
INSERT INTO e VALUES (5, 2, 5), (6, 'large', 'blue,red,red');
SELECT * FROM e ORDER BY id;
SELECT id, size FROM e ORDER BY size, id;
SELECT id, size FROM e ORDER BY size DESC, id;
SELECT id, tags FROM e ORDER BY tags, id;
SELECT id, size + 0, tags + 0 FROM e ORDER BY id;
SELECT id FROM e WHERE size = 'medium' ORDER BY id;
SELECT id FROM e WHERE size = 2 ORDER BY id;
SELECT id FROM e WHERE size > 'medium' ORDER BY id;
SELECT id FROM e WHERE tags = 'red,blue' ORDER BY id;
SELECT id FROM e WHERE FIND_IN_SET('blue', tags) ORDER BY id;
SELECT id FROM e WHERE tags LIKE '%green%' ORDER BY id;
SELECT CONCAT(size, '/', tags) FROM e WHERE id = 1;
UPDATE e SET size = 'small' WHERE id = 3;
SELECT size FROM e WHERE id = 3;
-- error 1265
INSERT INTO e (id, size) VALUES (10, 'huge');
-- error 1265
INSERT INTO e (id, size) VALUES (11, 4);
-- error 1265
INSERT INTO e (id, tags) VALUES (12, 'red,pink');
-- error 1265
INSERT INTO e (id, tags) VALUES (13, 8);
SELECT COUNT(*) FROM e;
SET sql_mode = '';
INSERT INTO e (id, size, tags) VALUES (20, 'huge', 'red,pink');
SELECT id, size, size + 0, tags FROM e WHERE id = 20;
SET sql_mode = DEFAULT;
CREATE TABLE ek (k ENUM('b', 'a', 'c') PRIMARY KEY, v INT);
INSERT INTO ek VALUES ('a', 1), ('b', 2), ('c', 3);
SELECT * FROM ek ORDER BY k;
SELECT v FROM ek WHERE k = 'A';
-- error 1062
INSERT INTO ek VALUES ('C', 4);
-- error 1291
CREATE TABLE bad (e ENUM('a', 'A'));
