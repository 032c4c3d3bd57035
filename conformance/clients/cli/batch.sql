-- piped into `mysql DB < batch.sql` by the mysql-cli runner (copied from the client traces)
DROP TABLE IF EXISTS cli_batch;
CREATE TABLE cli_batch (id BIGINT PRIMARY KEY, note TEXT, j JSON, ts TIMESTAMP(3) NULL DEFAULT NULL);
INSERT INTO cli_batch VALUES (1, 'it''s "quoted"; with semicolon', '{"a": [1, 2]}', '2024-01-02 03:04:05.678');
DELIMITER //
CREATE PROCEDURE IF NOT EXISTS cli_p() BEGIN SELECT COUNT(*) AS n FROM cli_batch; END //
DELIMITER ;
CALL cli_p();
SELECT id, note, JSON_EXTRACT(j, '$.a[1]') AS a1, ts FROM cli_batch;
DROP PROCEDURE cli_p;
