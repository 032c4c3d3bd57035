-- Triggers: BEFORE / AFTER INSERT, UPDATE, DELETE with NEW and OLD, SET NEW.col in BEFORE
-- triggers, bodies that write other tables, DROP TRIGGER [IF EXISTS], DROP TABLE dropping its
-- triggers, and MySQL's errors.
CREATE TABLE posts (id INT PRIMARY KEY, title VARCHAR(30), views INT NOT NULL DEFAULT 0);
CREATE TABLE audit (n INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(60));
CREATE TRIGGER posts_bi BEFORE INSERT ON posts FOR EACH ROW SET NEW.title = TRIM(NEW.title);
CREATE TRIGGER posts_ai AFTER INSERT ON posts FOR EACH ROW INSERT INTO audit (what) VALUES (CONCAT('insert ', NEW.id, ' ', NEW.title));
INSERT INTO posts (id, title) VALUES (1, '  Hello  '), (2, 'World ');
SELECT id, title, views FROM posts ORDER BY id;
SELECT what FROM audit ORDER BY n;
CREATE TRIGGER posts_bu BEFORE UPDATE ON posts FOR EACH ROW BEGIN IF NEW.views < OLD.views THEN SET NEW.views = OLD.views; END IF; SET NEW.title = UPPER(NEW.title); END;
CREATE TRIGGER posts_au AFTER UPDATE ON posts FOR EACH ROW INSERT INTO audit (what) VALUES (CONCAT('update ', OLD.title, ' -> ', NEW.title));
UPDATE posts SET views = 5 WHERE id = 1;
UPDATE posts SET views = 1 WHERE id = 1;
SELECT id, title, views FROM posts ORDER BY id;
CREATE TRIGGER posts_bd BEFORE DELETE ON posts FOR EACH ROW INSERT INTO audit (what) VALUES (CONCAT('delete ', OLD.id));
DELETE FROM posts WHERE id = 2;
SELECT what FROM audit ORDER BY n;
SELECT TRIGGER_NAME, EVENT_MANIPULATION, ACTION_TIMING, ACTION_ORDER, ACTION_ORIENTATION FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = DATABASE() AND EVENT_OBJECT_TABLE = 'posts' ORDER BY TRIGGER_NAME;
SELECT ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() AND TRIGGER_NAME = 'posts_bi';
-- error 1359
CREATE TRIGGER posts_bi BEFORE INSERT ON posts FOR EACH ROW SET NEW.views = 1;
CREATE TRIGGER IF NOT EXISTS posts_bi BEFORE INSERT ON posts FOR EACH ROW SET NEW.views = 1;
-- error 1146
CREATE TRIGGER nope_bi BEFORE INSERT ON nope FOR EACH ROW SET NEW.x = 1;
CREATE TABLE loop_t (id INT PRIMARY KEY);
CREATE TRIGGER loop_ai AFTER INSERT ON loop_t FOR EACH ROW INSERT INTO loop_t VALUES (NEW.id + 100);
-- error 1442
INSERT INTO loop_t VALUES (1);
SELECT COUNT(*) FROM loop_t;
DROP TRIGGER posts_bd;
-- error 1360
DROP TRIGGER posts_bd;
DROP TRIGGER IF EXISTS posts_bd;
DROP TABLE loop_t;
-- error 1360
DROP TRIGGER loop_ai;
SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE();
-- Which triggers each statement form fires, in order: every trigger logs to trg_log.
CREATE TABLE trg_log (n INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(80));
CREATE TABLE rt (id INT PRIMARY KEY, v INT, u INT, UNIQUE KEY (u));
INSERT INTO rt VALUES (1, 10, 100), (2, 20, 200);
CREATE TRIGGER rt_bi BEFORE INSERT ON rt FOR EACH ROW INSERT INTO trg_log (what) VALUES (CONCAT('rt BI ', NEW.id, '/', NEW.v));
CREATE TRIGGER rt_ai AFTER INSERT ON rt FOR EACH ROW INSERT INTO trg_log (what) VALUES (CONCAT('rt AI ', NEW.id, '/', NEW.v));
CREATE TRIGGER rt_bu BEFORE UPDATE ON rt FOR EACH ROW INSERT INTO trg_log (what) VALUES (CONCAT('rt BU ', OLD.id, '/', OLD.v, ' -> ', NEW.id, '/', NEW.v));
CREATE TRIGGER rt_au AFTER UPDATE ON rt FOR EACH ROW INSERT INTO trg_log (what) VALUES (CONCAT('rt AU ', OLD.id, '/', OLD.v, ' -> ', NEW.id, '/', NEW.v));
CREATE TRIGGER rt_bd BEFORE DELETE ON rt FOR EACH ROW INSERT INTO trg_log (what) VALUES (CONCAT('rt BD ', OLD.id, '/', OLD.v));
CREATE TRIGGER rt_ad AFTER DELETE ON rt FOR EACH ROW INSERT INTO trg_log (what) VALUES (CONCAT('rt AD ', OLD.id, '/', OLD.v));
-- REPLACE: BEFORE INSERT, BEFORE / AFTER DELETE of each conflicting row, AFTER INSERT.
REPLACE INTO rt VALUES (3, 30, 300);
REPLACE INTO rt VALUES (1, 11, 100);
REPLACE INTO rt VALUES (2, 22, 300);
SELECT what FROM trg_log ORDER BY n;
SELECT id, v, u FROM rt ORDER BY id;
DELETE FROM trg_log;
-- INSERT … ON DUPLICATE KEY UPDATE: BEFORE INSERT every row; a duplicate BEFORE / AFTER UPDATE.
INSERT INTO rt VALUES (1, 15, 150), (4, 40, 400) ON DUPLICATE KEY UPDATE v = v + 1;
INSERT INTO rt VALUES (4, 0, 0) ON DUPLICATE KEY UPDATE v = v;
SELECT what FROM trg_log ORDER BY n;
SELECT id, v, u FROM rt ORDER BY id;
DELETE FROM trg_log;
-- Multi-table UPDATE and DELETE: each target table's triggers, per row.
CREATE TABLE mt (id INT PRIMARY KEY, w INT);
INSERT INTO mt VALUES (1, 1), (2, 2), (4, 4);
CREATE TRIGGER mt_bu BEFORE UPDATE ON mt FOR EACH ROW INSERT INTO trg_log (what) VALUES (CONCAT('mt BU ', OLD.id, '/', OLD.w, ' -> ', NEW.w));
CREATE TRIGGER mt_ad AFTER DELETE ON mt FOR EACH ROW INSERT INTO trg_log (what) VALUES (CONCAT('mt AD ', OLD.id, '/', OLD.w));
UPDATE rt JOIN mt ON rt.id = mt.id SET rt.v = rt.v + mt.w, mt.w = 0 WHERE rt.id < 4;
SELECT what FROM trg_log ORDER BY what;
DELETE FROM trg_log;
DELETE rt, mt FROM rt JOIN mt ON rt.id = mt.id WHERE rt.id > 1;
SELECT what FROM trg_log ORDER BY what;
SELECT id, v FROM rt ORDER BY id;
SELECT id, w FROM mt ORDER BY id;
DELETE FROM trg_log;
-- RENAME TABLE and ALTER TABLE … RENAME: the triggers stay with the table.
RENAME TABLE rt TO rt2;
INSERT INTO rt2 VALUES (7, 70, 700);
ALTER TABLE rt2 RENAME TO rt3;
DELETE FROM rt3 WHERE id = 7;
SELECT what FROM trg_log ORDER BY n;
SELECT DISTINCT EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() AND TRIGGER_NAME LIKE 'rt\_%';
DELETE FROM trg_log;
RENAME TABLE rt3 TO rt_tmp, mt TO rt3, rt_tmp TO mt;
DELETE FROM rt3;
INSERT INTO mt VALUES (8, 80, 800);
SELECT what FROM trg_log ORDER BY n;
SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() AND EVENT_OBJECT_TABLE IN ('mt', 'rt3') ORDER BY TRIGGER_NAME;
-- A table with triggers cannot move to another database.
CREATE DATABASE cf_trg_db;
-- error 1435
RENAME TABLE mt TO cf_trg_db.mt;
-- error 1435
ALTER TABLE mt RENAME TO cf_trg_db.mt;
DROP DATABASE cf_trg_db;
DROP TABLE mt;
DROP TABLE rt3;
SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE();
