-- AUTO_INCREMENT (not in the walking skeleton): generated ids, last insert id of multi-row
-- inserts (the first generated id), explicit ids moving the counter, LAST_INSERT_ID().
CREATE TABLE t (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, v VARCHAR(10));
INSERT INTO t (v) VALUES ('a');
INSERT INTO t (v) VALUES ('b'), ('c'), ('d');
INSERT INTO t VALUES (10, 'e');
INSERT INTO t (v) VALUES ('f');
INSERT INTO t VALUES (NULL, 'g'), (0, 'h');
SELECT LAST_INSERT_ID();
SELECT * FROM t ORDER BY id;
