-- Karya schema, PostgreSQL: the triggers get SQLite's names (tests/http/schema.rs compares them).
-- Same versions as migrations/sqlite/0006_trigger_names.sql, which changes nothing: SQLite's
-- triggers already have these names.
--
-- 0001, 0004 and 0005 gave PostgreSQL one trigger for two events where SQLite has two. Each is
-- split into two triggers named as on SQLite, calling the same function, so nothing a trigger
-- refuses changes: the functions already tell INSERT, UPDATE and DELETE apart by TG_OP.

DROP TRIGGER audit_log_no_update ON audit_log;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

DROP TRIGGER orders_state_guard ON orders;
CREATE TRIGGER orders_state_guard BEFORE UPDATE OF state ON orders
FOR EACH ROW EXECUTE FUNCTION orders_state_guard();
CREATE TRIGGER orders_start_requested BEFORE INSERT ON orders
FOR EACH ROW EXECUTE FUNCTION orders_state_guard();

DROP TRIGGER office_requests_state_guard ON office_requests;
CREATE TRIGGER office_requests_state_guard BEFORE UPDATE OF state ON office_requests
FOR EACH ROW EXECUTE FUNCTION office_requests_state_guard();
CREATE TRIGGER office_requests_start_open BEFORE INSERT ON office_requests
FOR EACH ROW EXECUTE FUNCTION office_requests_state_guard();

DROP TRIGGER office_documents_immutable ON office_documents;
CREATE TRIGGER office_documents_immutable BEFORE UPDATE ON office_documents
FOR EACH ROW EXECUTE FUNCTION office_documents_immutable();
CREATE TRIGGER office_documents_no_delete BEFORE DELETE ON office_documents
FOR EACH ROW EXECUTE FUNCTION office_documents_immutable();
