"""verify_deployment: verify a registered deployment now, in this process, and record the run.

Unlike `verify_model` (a folder checked against the Hub, every byte read, nothing recorded), this is
the deployment's own verification run: files unchanged since an earlier hash of them (same device,
inode, size, mtime and ctime, hashed within VERIFY_FULL_REHASH_DAYS) are reported ok without being
read, unless `--full` asks for every file to be hashed.

Exit status: 0 the run passed; 1 it failed; 2 it ended in error (reason on standard error).
"""

from __future__ import annotations

import json
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Deployment
from compliance.models import VerificationRun
from compliance.verification import verification_execute, verification_start

POLL_SECONDS = 0.5


class Command(BaseCommand):
    help = "Verify a deployment's files and license now and record the run (--full: hash every file)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("deployment_id", type=int)
        parser.add_argument("--full", action="store_true", help="hash every file, trusting no earlier hash")
        parser.add_argument("--workers", type=int, help="hashing threads (default: the cores available)")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the result as JSON")

    def handle(self, *args, deployment_id: int, full: bool, workers: int | None, as_json: bool, **options):
        deployment = Deployment.objects.select_related("model_version").filter(pk=deployment_id).first()
        if deployment is None:
            raise CommandError(f"No deployment with id {deployment_id}.", returncode=2)
        run = verification_start(
            deployment=deployment, requested_by=None, trigger=VerificationRun.Trigger.COMMAND, full=full
        )
        run = verification_execute(run_id=run.pk, fan_out=False, workers=workers) or self._wait(run.pk)
        self._print(run, as_json)
        if run.status == VerificationRun.Status.ERROR:
            raise CommandError(run.error_message, returncode=2)
        if run.status != VerificationRun.Status.PASSED:
            sys.exit(1)

    def _wait(self, run_id: int) -> VerificationRun:
        """A worker claimed the run first (its task was sent after commit): follow the row until it ends."""
        while True:
            run = VerificationRun.objects.get(pk=run_id)
            if run.is_finished:
                return run
            time.sleep(POLL_SECONDS)

    def _print(self, run: VerificationRun, as_json: bool) -> None:
        results = list(run.file_results.order_by("path"))
        if as_json:
            document = {
                "deployment": run.deployment_id,
                "run": run.pk,
                "status": run.status,
                "full": run.full_rehash,
                "files": [
                    {
                        "path": r.path,
                        "status": r.status,
                        "trusted_since": r.trusted_since.isoformat() if r.trusted_since else None,
                    }
                    for r in results
                ],
                "summary": {
                    "ok": run.count_ok,
                    "mismatch": run.count_mismatch,
                    "missing": run.count_missing,
                    "unexpected": run.count_unexpected,
                    "hashed": run.files_hashed,
                    "trusted": run.count_trusted,
                    "bytes_hashed": run.bytes_done,
                },
            }
            self.stdout.write(json.dumps(document, indent=2))
            return
        for result in results:
            line = f"{result.status_label:<10} {result.path}"
            if result.detail:
                line += f"  ({result.detail})"
            self.stdout.write(line)
        self.stdout.write(
            f"run #{run.pk} {run.status}: {run.count_ok} ok, {run.count_mismatch} mismatch,"
            f" {run.count_missing} missing, {run.count_unexpected} unexpected;"
            f" {run.files_hashed} file(s) hashed ({run.bytes_done} bytes),"
            f" {run.count_trusted} unchanged since an earlier hash"
        )
