-- The agency head (Kepala Dinas) gets an account of his own: role 'kepala', who reads the
-- outcomes dashboard and its report and changes nothing. Same version as
-- migrations/sqlite/0010_head_role.sql, which rebuilds the table because SQLite cannot alter a
-- CHECK.

ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('admin','opd','bendahara','alumni','pembeli','mitra','kepala'));
