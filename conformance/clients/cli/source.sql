-- sourced by the mysql-cli runner with `source` (copied from the client traces)
CREATE TABLE IF NOT EXISTS cli_src (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  code CHAR(3) NOT NULL,
  amount DECIMAL(10,2) DEFAULT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_code (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO cli_src (code, amount) VALUES ('abc', 1.50), ('def', NULL);
INSERT INTO cli_src (code, amount) VALUES ('abc', 9.99) ON DUPLICATE KEY UPDATE amount = VALUES(amount);
SELECT code, amount FROM cli_src ORDER BY id;
SELECT LAST_INSERT_ID(), ROW_COUNT();
