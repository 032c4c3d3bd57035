-- Every column type MySQL 8 has (but spatial ones), a view and foreign keys, without triggers or
-- routines: the mysqldump round trip (dump, restore, dump again: identical) runs on both sides.
CREATE TABLE owners (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(50) NOT NULL,
  UNIQUE KEY u_name (name)
) ENGINE=InnoDB;
CREATE TABLE everything (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  owner_id INT UNSIGNED,
  ti TINYINT, si SMALLINT UNSIGNED, mi MEDIUMINT, bi BIGINT, b1 TINYINT(1) NOT NULL DEFAULT 0,
  de DECIMAL(12,3), fl FLOAT, db DOUBLE, bt BIT(5),
  d DATE, dt DATETIME(3), ts TIMESTAMP(6) NULL DEFAULT NULL, tm TIME, yr YEAR,
  c CHAR(10), vc VARCHAR(200) NOT NULL DEFAULT '', bn BINARY(4), vb VARBINARY(16),
  tt TINYTEXT, tx TEXT, mt MEDIUMTEXT, lt LONGTEXT, tb TINYBLOB, bl BLOB, mb MEDIUMBLOB,
  lb LONGBLOB, en ENUM('a','b','c') DEFAULT 'a', st SET('x','y','z'), js JSON,
  KEY k_d (d, dt),
  CONSTRAINT fk_owner FOREIGN KEY (owner_id) REFERENCES owners (id) ON DELETE SET NULL
) ENGINE=InnoDB COMMENT='all types';
INSERT INTO owners (name) VALUES ('Ann'), ('Bob');
INSERT INTO everything (owner_id, ti, si, mi, bi, b1, de, fl, db, bt, d, dt, ts, tm, yr, c, vc, bn,
  vb, tt, tx, mt, lt, tb, bl, mb, lb, en, st, js) VALUES
  (1, -5, 65000, -8000000, 9000000000000000000, 1, 12345.678, 1.5, 2.25, b'10101', '2024-02-29',
   '2024-02-29 12:34:56.789', '2024-03-01 01:02:03.456789', '12:34:56', 2024, 'chars', 'it''s "q"',
   0x00FF10AB, 0xDEADBEEF, 'tiny', 'line1\nline2', 'medium', 'long', 0x01, 0x0203, 0x040506,
   0x0708, 'b', 'x,z', '{"k": [1, 2, {"a": null}]}'),
  (2, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'two',
   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE VIEW everything_names AS SELECT e.id, e.vc, o.name FROM everything e JOIN owners o ON o.id = e.owner_id;
