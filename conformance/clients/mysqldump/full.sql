-- Richer schema for dump/restore (copied from the client traces' mysqldump/setup.sql): FK,
-- view, trigger, procedure, JSON, ENUM, BLOB, BIT, FLOAT, YEAR, TIME. Runs in the runner's database.
CREATE TABLE authors (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  email VARCHAR(255) UNIQUE,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY idx_name (name)
) ENGINE=InnoDB;
CREATE TABLE posts (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  author_id INT UNSIGNED NOT NULL,
  title VARCHAR(200) NOT NULL,
  body TEXT,
  status ENUM('draft','published') NOT NULL DEFAULT 'draft',
  meta JSON,
  price DECIMAL(10,2),
  published DATE,
  CONSTRAINT fk_posts_author FOREIGN KEY (author_id) REFERENCES authors(id) ON DELETE CASCADE
) ENGINE=InnoDB;
CREATE TABLE blobs (id INT PRIMARY KEY, data BLOB, flag BIT(1), f FLOAT, d DOUBLE, y YEAR, t TIME);
INSERT INTO authors (name, email) VALUES ('Ann', 'ann@example.com'), ('Bob', NULL), ('Cé "quote"', 'c''e@example.com');
INSERT INTO posts (author_id, title, body, status, meta, price, published) VALUES
  (1, 'Hello', 'line1\nline2', 'published', '{"tags": ["a", "b"]}', 9.99, '2024-02-29'),
  (2, 'Draft', NULL, 'draft', NULL, NULL, NULL);
INSERT INTO blobs VALUES (1, 0x00FF10, b'1', 1.5, 2.25, 2024, '12:34:56');
CREATE VIEW post_titles AS SELECT p.id, p.title, a.name FROM posts p JOIN authors a ON a.id = p.author_id;
CREATE TRIGGER trg_posts_bi BEFORE INSERT ON posts FOR EACH ROW SET NEW.title = TRIM(NEW.title);
DELIMITER //
CREATE PROCEDURE count_posts(OUT n INT) BEGIN SELECT COUNT(*) INTO n FROM posts; END //
DELIMITER ;
