-- CREATE DATABASE / USE / DROP DATABASE, with IF [NOT] EXISTS and their errors.
CREATE DATABASE cf_extra_db;
-- error 1007
CREATE DATABASE cf_extra_db;
CREATE DATABASE IF NOT EXISTS cf_extra_db;
USE cf_extra_db;
SELECT DATABASE();
CREATE TABLE t (id INT PRIMARY KEY);
INSERT INTO t VALUES (1), (2);
SELECT id FROM cf_extra_db.t ORDER BY id;
DROP DATABASE cf_extra_db;
SELECT DATABASE();
-- error 1008
DROP DATABASE cf_extra_db;
DROP DATABASE IF EXISTS cf_extra_db;
-- error 1049
USE cf_extra_db;
