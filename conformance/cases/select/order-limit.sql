-- ORDER BY ASC/DESC, several keys, NULLs first/last by default, LIMIT and LIMIT with offset.
CREATE TABLE scores (id INT PRIMARY KEY, player VARCHAR(20) NOT NULL, points INT, grp CHAR(1));
INSERT INTO scores VALUES (1, 'ann', 30, 'a'), (2, 'bob', NULL, 'b'), (3, 'cy', 10, 'a'),
  (4, 'di', 30, 'b'), (5, 'ed', 20, NULL), (6, 'flo', 50, 'a');
SELECT id, points FROM scores ORDER BY id DESC;
SELECT id, points FROM scores ORDER BY points, id;
SELECT id, points FROM scores ORDER BY points DESC, id ASC;
SELECT player FROM scores ORDER BY grp, player;
SELECT id FROM scores ORDER BY id LIMIT 3;
SELECT id FROM scores ORDER BY id LIMIT 2, 3;
SELECT id FROM scores ORDER BY id LIMIT 3 OFFSET 4;
SELECT id FROM scores ORDER BY id LIMIT 0;
SELECT id, player FROM scores WHERE points >= 20 ORDER BY player DESC LIMIT 2;
