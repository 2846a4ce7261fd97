-- Why a stored upload could not be read, when it could not (issue 12, hostile files). An
-- upload is read before it is stored, but one stored by an older version, or refused by a
-- stricter reader since, fails when its draft is opened: it is then marked failed with the
-- reader's message here and never read again (`app::imports::Stored::workbook`), nor applied
-- (`db::imports::begin_running`).

ALTER TABLE imports ADD COLUMN read_error TEXT;
