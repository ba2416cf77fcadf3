import sys

from django.core.management.base import BaseCommand

from core.audit import ChainBreak
from core.checkpoints import CheckpointError, audit_checkpoint_write, checkpoint_path


class Command(BaseCommand):
    help = "Append the audit chain's head (seq and hash, HMAC-signed) to the checkpoint file outside the database."

    def handle(self, *args, **options):
        try:
            result = audit_checkpoint_write()
        except CheckpointError as error:
            self.stderr.write(f"Not anchored: {error}")
            sys.exit(1)
        if isinstance(result, ChainBreak):
            self.stderr.write(f"Not anchored: the chain is broken at event #{result.seq}: {result.reason}")
            sys.exit(1)
        self.stdout.write(f"Checkpoint #{result.seq} {result.hash[:16]}… in {checkpoint_path()}")
