-- Stored imports carry personal data (every NIK of the workbook), so:
-- * the upload and the reports are sealed with the instance data key by the application
--   (`secrets::personal::seal_bytes`: a blob that starts with its prefix is sealed; older blobs
--   are sealed at start-up by `app::imports::seal_stored`);
-- * the original upload is deleted after `import_retention_days` (counted from the apply, or
--   from the upload for imports never applied): `content` becomes NULL and `purged_at` says when;
-- * the report is kept twice: with every NIK (`report`, downloaded only by staff who may export
--   full NIKs, and audited) and with NIKs masked (`report_masked`, the default download).

ALTER TABLE imports ALTER COLUMN content DROP NOT NULL;
ALTER TABLE imports ADD COLUMN report_masked BYTEA;
ALTER TABLE imports ADD COLUMN purged_at BIGINT;
