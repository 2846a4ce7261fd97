-- no-transaction
-- The agency head (Kepala Dinas) gets an account of his own: role 'kepala', who reads the
-- outcomes dashboard and its report and changes nothing.
--
-- SQLite cannot alter a CHECK, so `users` is rebuilt with the same columns in the same order (0004 added `email`).
-- Many tables refer to `users`, and dropping a parent table inside a transaction with foreign
-- keys on counts a violation for every child row that no rename undoes, so this migration runs
-- outside sqlx's transaction: foreign keys off, the rebuild in its own transaction, foreign keys
-- on again (SQLite's documented procedure for changing a table's definition). No trigger or
-- view names `users`.

PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE users_new (
    id                  INTEGER PRIMARY KEY,
    username            TEXT NOT NULL UNIQUE,
    display_name        TEXT NOT NULL,
    role                TEXT NOT NULL CHECK (role IN ('admin','opd','bendahara','alumni','pembeli','mitra','kepala')),
    office_id           BIGINT REFERENCES offices(id),
    alumnus_id          BIGINT REFERENCES alumni(id),
    partner_id          BIGINT REFERENCES partners(id),
    phone               TEXT,
    password_hash       TEXT NOT NULL,
    disabled_at         BIGINT,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    password_changed_at BIGINT NOT NULL,
    email               TEXT NOT NULL DEFAULT '',
    CHECK (role NOT IN ('opd','bendahara') OR office_id IS NOT NULL),
    CHECK (role <> 'mitra' OR partner_id IS NOT NULL)
);

INSERT INTO users_new (id, username, display_name, role, office_id, alumnus_id, partner_id, phone,
                       password_hash, disabled_at, created_at, updated_at, password_changed_at, email)
SELECT id, username, display_name, role, office_id, alumnus_id, partner_id, phone,
       password_hash, disabled_at, created_at, updated_at, password_changed_at, email
FROM users;

DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE UNIQUE INDEX users_alumnus_id_key ON users(alumnus_id);

COMMIT;
PRAGMA foreign_keys = ON;
