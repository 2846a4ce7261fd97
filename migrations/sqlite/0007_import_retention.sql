-- Stored imports carry personal data (every NIK of the workbook), so:
-- * the upload and the reports are sealed with the instance data key by the application
--   (`secrets::personal::seal_bytes`: a blob that starts with its prefix is sealed; older blobs
--   are sealed at start-up by `app::imports::seal_stored`);
-- * the original upload is deleted after `import_retention_days` (counted from the apply, or
--   from the upload for imports never applied): `content` becomes NULL and `purged_at` says when;
-- * the report is kept twice: with every NIK (`report`, downloaded only by staff who may export
--   full NIKs, and audited) and with NIKs masked (`report_masked`, the default download).
--
-- SQLite cannot drop a NOT NULL constraint, so the table is rebuilt with the same columns in the
-- same order (PostgreSQL alters it in place and appends the new columns). No table refers to
-- `imports`, so dropping the old one touches nothing else.

CREATE TABLE imports_new (
    id          INTEGER PRIMARY KEY,
    created_by  BIGINT NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    file_name   TEXT NOT NULL,
    content     BLOB,
    options     TEXT NOT NULL DEFAULT '{}',
    status      TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','running','applied','failed')),
    -- When the running apply started (a marker older than an hour means the process died).
    started_at  BIGINT,
    applied_at  BIGINT,
    summary     TEXT NOT NULL DEFAULT '',
    -- The report as it was when applied (status and message per original row), full NIK.
    report      BLOB,
    -- The same report with every NIK masked.
    report_masked BLOB,
    -- When the original upload (`content`) was deleted.
    purged_at   BIGINT
);

INSERT INTO imports_new (id, created_by, created_at, file_name, content, options, status,
                         started_at, applied_at, summary, report)
SELECT id, created_by, created_at, file_name, content, options, status,
       started_at, applied_at, summary, report
FROM imports;

DROP TABLE imports;
ALTER TABLE imports_new RENAME TO imports;
