-- DATETIME: formats on output, string input forms, comparisons and ordering, invalid values.
CREATE TABLE e (id INT PRIMARY KEY, at DATETIME, label VARCHAR(10));
INSERT INTO e VALUES (1, '2024-01-02 03:04:05', 'a'), (2, '2024-02-29 23:59:59', 'b'),
  (3, '1999-12-31 00:00:00', 'c'), (4, NULL, 'd'), (5, '2024-01-02', 'e');
INSERT INTO e VALUES (6, '2038-01-19 03:14:08', 'f'), (7, '1000-01-01 00:00:00', 'g'),
  (8, '9999-12-31 23:59:59', 'h');
-- error 1292
INSERT INTO e VALUES (9, '2023-02-29 00:00:00', 'bad');
-- error 1292
INSERT INTO e VALUES (10, 'not a date', 'bad');
SELECT * FROM e ORDER BY id;
SELECT id FROM e WHERE at > '2024-01-01' ORDER BY id;
SELECT id FROM e WHERE at = '2024-01-02 00:00:00';
SELECT id, at FROM e ORDER BY at, id;
