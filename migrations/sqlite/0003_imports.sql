-- Register imports: the uploaded file and the admin's choices kept between preview and
-- confirmation (in the database, so any instance can continue the import), and batches created
-- by an import whose dates the agency still has to complete.

CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    created_by  BIGINT NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    file_name   TEXT NOT NULL,
    content     BLOB NOT NULL,
    options     TEXT NOT NULL DEFAULT '{}',
    status      TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','running','applied','failed')),
    -- When the running apply started (a marker older than an hour means the process died).
    started_at  BIGINT,
    applied_at  BIGINT,
    summary     TEXT NOT NULL DEFAULT '',
    -- The report as it was when applied (status and message per original row).
    report      BLOB
);

ALTER TABLE batches ADD COLUMN needs_review BIGINT NOT NULL DEFAULT 0;
ALTER TABLE programs ADD COLUMN needs_review BIGINT NOT NULL DEFAULT 0;
