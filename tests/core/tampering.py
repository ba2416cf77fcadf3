"""Tampering with the audit tables as a database superuser would: with the append-only triggers disabled."""

from django.db import connection


def tamper(*statements: tuple[str, list]) -> None:
    """Run raw SQL against the audit tables, disabling their triggers on PostgreSQL for the duration."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            # Deferred foreign-key checks of rows written in this test would block ALTER TABLE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE compliance_auditevent DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE compliance_auditchainhead DISABLE TRIGGER USER")
        for sql, params in statements:
            cursor.execute(sql, params)
        if postgres:
            cursor.execute("ALTER TABLE compliance_auditevent ENABLE TRIGGER USER")
            cursor.execute("ALTER TABLE compliance_auditchainhead ENABLE TRIGGER USER")
