-- Statements that need a current database after the current one is dropped: ER_NO_DB_ERROR.
CREATE DATABASE cf_gone;
USE cf_gone;
DROP DATABASE cf_gone;
-- error 1046
CREATE TABLE t (id INT PRIMARY KEY);
-- error 1046
SELECT * FROM t;
