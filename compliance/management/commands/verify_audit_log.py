import logging
import sys

from django.core.management.base import BaseCommand

from core.checkpoints import audit_checkpoints_read, audit_log_verify
from core.models import AuditChainHead

logger = logging.getLogger("core.audit")


class Command(BaseCommand):
    help = (
        "Recompute the audit chain from genesis and compare it with the checkpoints kept outside the database. "
        "Exits 0 when intact, 1 naming the first broken event."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-checkpoints",
            action="store_true",
            help="Check the chain alone. Without it a missing or unreadable checkpoint store is a failure.",
        )

    def handle(self, *args, **options):
        broken, checkpoints = audit_log_verify(require_checkpoints=not options["no_checkpoints"])
        if broken:
            logger.critical("Audit log verification failed at event #%s: %s", broken.seq, broken.reason)
            self.stderr.write(f"Audit log BROKEN at event #{broken.seq}: {broken.reason}")
            sys.exit(1)
        head = AuditChainHead.objects.filter(id=1).first() or AuditChainHead(id=1)
        if options["no_checkpoints"]:
            timestamped = 0
            self.stdout.write("Checkpoints NOT checked (--no-checkpoints): a consistent rewrite would pass.")
        else:
            timestamped = sum(1 for checkpoint in audit_checkpoints_read() if checkpoint.tst)
        self.stdout.write(
            f"Audit log intact: {head.seq} events, head {head.hash[:16]}…, "
            f"checked against {checkpoints} checkpoint(s), {timestamped} of them with a valid RFC 3161 timestamp."
        )
