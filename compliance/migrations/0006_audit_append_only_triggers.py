"""Hand-written: PostgreSQL triggers that make the audit trail append-only (no-op on SQLite).

- compliance_auditevent refuses every UPDATE and DELETE, and TRUNCATE.
- compliance_auditchainhead refuses DELETE and TRUNCATE, accepts an INSERT only of the empty
  genesis head (a second one fails on the primary key), and an UPDATE only when it advances the head by one
  to an event that exists and links onto the old head: exactly the update audit_record makes.

TRUNCATE is let through only when the session sets `registry.allow_audit_truncate = on`, which
the test settings do so that TransactionTestCase can empty the test database between tests.
A superuser can still disable triggers: the checkpoints outside the database catch that.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION compliance_auditevent_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('registry.allow_audit_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE OR REPLACE FUNCTION compliance_auditchainhead_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.id = OLD.id AND NEW.seq = OLD.seq + 1 AND EXISTS (
            SELECT 1 FROM compliance_auditevent e
            WHERE e.seq = NEW.seq AND e.hash = NEW.hash AND e.prev_hash = OLD.hash
        ) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'the audit chain head only advances by one, to the event just appended'
            USING ERRCODE = 'insufficient_privilege';
    ELSIF TG_OP = 'INSERT' THEN
        IF NEW.seq = 0 AND NEW.hash = repeat('0', 64) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'the audit chain head starts empty, before the first event'
            USING ERRCODE = 'insufficient_privilege';
    ELSIF TG_OP = 'TRUNCATE' AND current_setting('registry.allow_audit_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit chain head cannot be removed: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER compliance_auditevent_append_only
    BEFORE UPDATE OR DELETE ON compliance_auditevent
    FOR EACH ROW EXECUTE FUNCTION compliance_auditevent_refuse_change();
CREATE TRIGGER compliance_auditevent_no_truncate
    BEFORE TRUNCATE ON compliance_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION compliance_auditevent_refuse_change();
CREATE TRIGGER compliance_auditchainhead_guard
    BEFORE INSERT OR UPDATE OR DELETE ON compliance_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION compliance_auditchainhead_guard();
CREATE TRIGGER compliance_auditchainhead_no_truncate
    BEFORE TRUNCATE ON compliance_auditchainhead
    FOR EACH STATEMENT EXECUTE FUNCTION compliance_auditchainhead_guard();
INSERT INTO compliance_auditchainhead (id, seq, hash) VALUES (1, 0, repeat('0', 64)) ON CONFLICT (id) DO NOTHING;
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS compliance_auditchainhead_no_truncate ON compliance_auditchainhead;
DROP TRIGGER IF EXISTS compliance_auditchainhead_guard ON compliance_auditchainhead;
DROP TRIGGER IF EXISTS compliance_auditevent_no_truncate ON compliance_auditevent;
DROP TRIGGER IF EXISTS compliance_auditevent_append_only ON compliance_auditevent;
DROP FUNCTION IF EXISTS compliance_auditchainhead_guard();
DROP FUNCTION IF EXISTS compliance_auditevent_refuse_change();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("compliance", "0005_audit_hardening")]

    operations = [migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD), elidable=False)]
