-- Backquoted identifiers everywhere a name goes, including names that are keywords or need
-- quoting, and qualified names (db.table.column).
CREATE DATABASE IF NOT EXISTS `cf_quoted_db`;
DROP DATABASE IF EXISTS `cf_quoted_db`;
CREATE TABLE `order` (`id` INT PRIMARY KEY, `select` VARCHAR(10), `two words` INT);
INSERT INTO `order` (`id`, `select`, `two words`) VALUES (1, 'a', 10), (2, 'b', 20);
SELECT `id`, `select`, `two words` FROM `order` ORDER BY `id`;
SELECT `order`.`select` FROM `order` WHERE `order`.`two words` > 15;
UPDATE `order` SET `select` = 'c' WHERE `id` = 2;
SELECT o.`select` AS `the select` FROM `order` AS o ORDER BY o.id;
DELETE FROM `order` WHERE `id` = 1;
SELECT * FROM `order`;
DROP TABLE `order`;
