-- Views: CREATE [OR REPLACE] VIEW with column lists, ALGORITHM / SQL SECURITY, views over views,
-- joins, aggregates; DROP VIEW [IF EXISTS]; a view follows its tables' rows.
CREATE TABLE emp (id INT PRIMARY KEY, name VARCHAR(10), dept INT, salary INT);
CREATE TABLE dept (id INT PRIMARY KEY, title VARCHAR(10));
INSERT INTO emp VALUES (1, 'ann', 1, 100), (2, 'bob', 1, 80), (3, 'cy', 2, 120), (4, 'di', NULL, 50);
INSERT INTO dept VALUES (1, 'sales'), (2, 'dev');
CREATE VIEW rich AS SELECT id, name FROM emp WHERE salary >= 100;
SELECT * FROM rich ORDER BY id;
CREATE VIEW named (who, pay) AS SELECT name, salary FROM emp;
SELECT who, pay FROM named ORDER BY pay DESC;
SELECT who FROM named WHERE pay < 90 ORDER BY who;
CREATE ALGORITHM = MERGE SQL SECURITY INVOKER VIEW per_dept AS
  SELECT d.title, COUNT(*) AS n, SUM(e.salary) AS total
  FROM emp e JOIN dept d ON d.id = e.dept GROUP BY d.title;
SELECT * FROM per_dept ORDER BY title;
CREATE VIEW top_dept AS SELECT title FROM per_dept WHERE total > 150;
SELECT * FROM top_dept;
INSERT INTO emp VALUES (5, 'ed', 2, 200);
SELECT * FROM per_dept ORDER BY title;
SELECT * FROM top_dept ORDER BY title;
SELECT r.name, e.dept FROM rich r JOIN emp e ON e.id = r.id ORDER BY r.name;
SELECT COUNT(*) FROM rich;
-- error 1050
CREATE VIEW rich AS SELECT 1;
CREATE OR REPLACE VIEW rich AS SELECT id, name, salary FROM emp WHERE salary > 100;
SELECT * FROM rich ORDER BY id;
-- error 1050
CREATE VIEW emp AS SELECT 1;
-- error 1050
CREATE TABLE rich (x INT);
-- error 1146
CREATE VIEW broken AS SELECT * FROM nowhere;
-- error 1054
CREATE VIEW broken AS SELECT nothing FROM emp;
-- error 1060
CREATE VIEW dup AS SELECT id, id FROM emp;
CREATE VIEW dup AS SELECT id, id AS id2 FROM emp;
SELECT * FROM dup ORDER BY id;
-- error 1353
CREATE VIEW cols (a) AS SELECT id, name FROM emp;
CREATE VIEW consts AS SELECT 1 AS one, 'x' AS letter;
SELECT * FROM consts;
CREATE VIEW derived AS SELECT t.n FROM (SELECT salary AS n FROM emp) AS t WHERE t.n > 90;
SELECT * FROM derived ORDER BY n;
CREATE VIEW unioned AS SELECT name FROM emp WHERE id = 1 UNION SELECT title FROM dept;
SELECT * FROM unioned ORDER BY name;
DROP VIEW consts;
-- error 1146
SELECT * FROM consts;
-- error 1051 4092
DROP VIEW consts;
DROP VIEW IF EXISTS consts, dup;
-- error 1347 4092
DROP VIEW emp;
-- A view over a dropped table is invalid.
CREATE TABLE tmp (x INT);
CREATE VIEW over_tmp AS SELECT x FROM tmp;
DROP TABLE tmp;
-- error 1356
SELECT * FROM over_tmp;
DROP VIEW over_tmp;
DROP VIEW top_dept, per_dept;
SELECT * FROM named ORDER BY who;
DROP VIEW rich, named, derived, unioned;
