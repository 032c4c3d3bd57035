-- Joins: INNER, LEFT, RIGHT, CROSS, comma, USING, NATURAL, self joins, aliases, ON vs WHERE.
CREATE TABLE dept (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, city VARCHAR(20));
CREATE TABLE emp (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, dept_id INT, boss INT,
  salary DECIMAL(8,2));
CREATE TABLE proj (code CHAR(3) PRIMARY KEY, dept_id INT, budget INT);
INSERT INTO dept VALUES (1, 'Eng', 'Oslo'), (2, 'Ops', 'Bergen'), (3, 'Sales', NULL),
  (4, 'Empty', 'Oslo');
INSERT INTO emp VALUES (1, 'ann', 1, NULL, 100.00), (2, 'Bob', 1, 1, 80.50), (3, 'cy', 2, 1, 70.00),
  (4, 'Di', 2, 3, NULL), (5, 'ed', NULL, 1, 50.25), (6, 'Flo', 3, 1, 60.00);
INSERT INTO proj VALUES ('p1', 1, 1000), ('p2', 1, 500), ('p3', 2, NULL), ('p4', 9, 10);
SELECT e.name, d.name FROM emp e JOIN dept d ON e.dept_id = d.id;
SELECT e.name, d.name FROM emp e INNER JOIN dept d ON d.id = e.dept_id WHERE d.city = 'Oslo';
SELECT e.name, d.name FROM emp e LEFT JOIN dept d ON e.dept_id = d.id;
SELECT e.name, d.name FROM emp e LEFT OUTER JOIN dept d ON e.dept_id = d.id AND d.city = 'Oslo';
SELECT e.name, d.name FROM emp e LEFT JOIN dept d ON e.dept_id = d.id WHERE d.id IS NULL;
SELECT d.name, e.name FROM emp e RIGHT JOIN dept d ON e.dept_id = d.id;
SELECT d.name, e.name FROM emp e RIGHT OUTER JOIN dept d ON e.dept_id = d.id WHERE e.id IS NULL;
SELECT e.name, d.name FROM emp e CROSS JOIN dept d WHERE d.id = 4;
SELECT COUNT(*) FROM emp, dept;
SELECT e.name, d.name FROM emp e, dept d WHERE e.dept_id = d.id AND e.salary > 60;
SELECT e.name AS worker, b.name AS boss FROM emp e JOIN emp b ON e.boss = b.id;
SELECT e.name AS worker, b.name AS boss FROM emp e LEFT JOIN emp b ON e.boss = b.id;
SELECT e.name, d.name, p.code FROM emp e JOIN dept d ON e.dept_id = d.id
  JOIN proj p ON p.dept_id = d.id;
SELECT d.name, p.code FROM dept d LEFT JOIN proj p ON p.dept_id = d.id LEFT JOIN emp e ON e.id = 99;
SELECT p.code, d.name FROM proj p LEFT JOIN dept d ON d.id = p.dept_id;
SELECT d.name, e.name, p.code FROM dept d LEFT JOIN emp e ON e.dept_id = d.id
  LEFT JOIN proj p ON p.dept_id = d.id AND p.budget > 600;
SELECT d.name, x.n FROM dept d JOIN (SELECT dept_id, COUNT(*) AS n FROM emp GROUP BY dept_id) x
  ON x.dept_id = d.id;
-- error 1054
SELECT * FROM dept JOIN proj USING (id);
SELECT * FROM emp JOIN dept USING (id);
SELECT id, emp.name, dept.name FROM emp JOIN dept USING (id);
SELECT * FROM dept NATURAL JOIN emp;
SELECT * FROM emp NATURAL LEFT JOIN dept;
SELECT * FROM dept d1 JOIN dept d2 ON d1.city = d2.city AND d1.id < d2.id;
SELECT d.name, e.name FROM dept d JOIN emp e ON e.dept_id = d.id AND e.salary IS NOT NULL
  WHERE d.city IS NOT NULL;
SELECT e.name FROM emp e JOIN dept d ON e.dept_id = d.id AND d.name = 'eng';
SELECT e.name FROM emp e STRAIGHT_JOIN dept d ON e.dept_id = d.id WHERE d.id = 2;
SELECT * FROM (emp e JOIN dept d ON e.dept_id = d.id) LEFT JOIN proj p ON p.dept_id = d.id
  WHERE e.id < 3;
SELECT e.name FROM emp e JOIN dept d ON e.dept_id = d.id ORDER BY d.name, e.name;
SELECT e.name, d.name FROM emp e JOIN dept d ON e.dept_id = d.id ORDER BY e.id DESC LIMIT 2;
SELECT e.name, d.name FROM emp e LEFT JOIN dept d ON e.dept_id = d.id ORDER BY e.id LIMIT 2, 2;
SELECT COUNT(*), COUNT(d.id) FROM emp e LEFT JOIN dept d ON e.dept_id = d.id;
SELECT d.city, COUNT(e.id) FROM dept d LEFT JOIN emp e ON e.dept_id = d.id GROUP BY d.city;
-- error 1066
SELECT * FROM emp e JOIN dept e ON 1 = 1;
-- error 1066
SELECT * FROM emp, emp;
-- error 1052
SELECT name FROM emp JOIN dept ON emp.dept_id = dept.id;
-- error 1052
SELECT id FROM emp, dept;
-- error 1054
SELECT e.nope FROM emp e JOIN dept d ON e.dept_id = d.id;
-- error 1054
SELECT * FROM emp e JOIN dept d ON e.dept_id = x.id;
-- error 1054
SELECT * FROM emp e, dept d JOIN proj p ON p.dept_id = e.dept_id;
-- error 1146
SELECT * FROM emp e JOIN nope n ON 1 = 1;
