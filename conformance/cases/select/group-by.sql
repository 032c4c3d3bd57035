-- GROUP BY forms, HAVING, aggregates and their types, WITH ROLLUP, ONLY_FULL_GROUP_BY.
CREATE TABLE sale (id INT PRIMARY KEY, region VARCHAR(10) NOT NULL, rep VARCHAR(10),
  amount DECIMAL(8,2), units INT, big BIGINT UNSIGNED);
INSERT INTO sale VALUES (1, 'north', 'Ann', 10.00, 1, 5), (2, 'North', 'bob', 5.50, 2, 7),
  (3, 'south', 'Ann', NULL, 3, NULL), (4, 'east', NULL, 7.25, NULL, 1), (5, 'south', 'cy', 1.00, 4, 3),
  (6, 'north', 'Bob', 2.25, 2, 2);
SELECT COUNT(*), COUNT(amount), COUNT(rep), SUM(amount), MIN(units), MAX(units) FROM sale;
SELECT AVG(units), AVG(amount), SUM(units), SUM(big), AVG(big) FROM sale;
SELECT COUNT(*), SUM(units), MAX(rep), AVG(amount) FROM sale WHERE id > 100;
SELECT region, COUNT(*) AS n, SUM(amount) AS total FROM sale GROUP BY region;
SELECT region, rep, COUNT(*) FROM sale GROUP BY region, rep;
SELECT region, SUM(units) AS u FROM sale GROUP BY region HAVING SUM(units) > 3;
SELECT region, SUM(units) AS u FROM sale GROUP BY region HAVING u > 3;
SELECT region, COUNT(*) AS n FROM sale GROUP BY region ORDER BY n DESC, region;
SELECT region AS r, COUNT(*) FROM sale GROUP BY r;
SELECT region, COUNT(*) FROM sale GROUP BY 1 ORDER BY 2, 1;
SELECT UPPER(region), COUNT(*) FROM sale GROUP BY UPPER(region);
SELECT units % 2 AS parity, COUNT(*) FROM sale GROUP BY units % 2;
SELECT COUNT(DISTINCT region), COUNT(DISTINCT rep), COUNT(DISTINCT region, rep) FROM sale;
SELECT region, COUNT(DISTINCT rep) FROM sale GROUP BY region;
SELECT SUM(DISTINCT units), AVG(DISTINCT units) FROM sale;
SELECT region, MIN(rep), MAX(rep) FROM sale GROUP BY region;
SELECT region, GROUP_CONCAT(rep) FROM sale GROUP BY region;
SELECT region, GROUP_CONCAT(rep ORDER BY id DESC SEPARATOR '|') FROM sale GROUP BY region;
SELECT GROUP_CONCAT(DISTINCT region ORDER BY region) FROM sale;
SELECT GROUP_CONCAT(id, ':', units ORDER BY id) FROM sale;
SELECT BIT_AND(units), BIT_OR(units), BIT_XOR(units) FROM sale;
SELECT BIT_AND(units) FROM sale WHERE id > 100;
SELECT STD(units), STDDEV_SAMP(units), VARIANCE(units), VAR_SAMP(units) FROM sale;
SELECT region, SUM(units) FROM sale GROUP BY region WITH ROLLUP;
SELECT region, rep, SUM(units) FROM sale GROUP BY region, rep WITH ROLLUP;
-- error 1055
SELECT id, region FROM sale GROUP BY id;
-- error 1055
SELECT s.id, s.region, COUNT(*) FROM sale s GROUP BY s.id;
-- error 1055
SELECT region, units FROM sale WHERE units = 2 GROUP BY region;
SELECT COUNT(*) FROM sale HAVING COUNT(*) > 3;
SELECT COUNT(*) FROM sale HAVING COUNT(*) > 30;
SELECT region FROM sale GROUP BY region HAVING COUNT(*) = 1;
SELECT MAX(amount) - MIN(amount), COUNT(*) * 2, SUM(units) / COUNT(*) FROM sale;
SELECT region, SUM(units) FROM sale GROUP BY region ORDER BY SUM(units) DESC;
SELECT region, SUM(units) FROM sale GROUP BY region ORDER BY MAX(id);
-- error 1055
SELECT region, units FROM sale GROUP BY region;
-- error 1140
SELECT region, COUNT(*) FROM sale;
-- error 1111
SELECT * FROM sale WHERE COUNT(*) > 1;
-- error 1056 1111
SELECT COUNT(*) FROM sale GROUP BY COUNT(*);
-- error 1111
SELECT SUM(MAX(units)) FROM sale;
-- error 1054
SELECT region FROM sale GROUP BY nope;
-- error 1054
SELECT region, COUNT(*) FROM sale GROUP BY 3;
