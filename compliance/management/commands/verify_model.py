"""verify_model: check a local folder against a repo's files and license at a revision, from the Hub or a manifest file.

Exit status: 0 every file and the license match; 1 something differs; 2 verification could not be
done (Hub error, bad path, bad manifest), with the reason on standard error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from catalog.models import ModelVersion
from compliance.engine import LicenseVerdict, Progress, license_check, verify_folder
from compliance.hashing import FolderRefused, confine, scan
from compliance.hub import HubClient, HubError, HubModel, validate_repo_id
from compliance.manifest import ManifestError, manifest_from_json


class Command(BaseCommand):
    help = "Verify a local model folder against a Hugging Face repo at a revision (or an offline manifest)."
    # An operator command starts fast: it skips the system checks, which import every URLconf and view.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("repo_id")
        parser.add_argument("--revision", required=True, help="branch, tag or commit sha")
        parser.add_argument("--path", required=True, help="the folder (or Hugging Face cache folder) to verify")
        parser.add_argument("--license", dest="license_id", help="the license id the repo must carry")
        parser.add_argument("--manifest", help="an offline manifest (export_manifest) instead of asking the Hub")
        parser.add_argument("--workers", type=int, help="hashing threads")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the result as JSON")

    def handle(self, *args, repo_id, revision, path, license_id, manifest, workers, as_json, **options):
        try:
            model = self._manifest(repo_id, revision, manifest)
            folder = confine(path, repo_id=model.repo_id, commit=model.commit, revision=revision)
            listing = scan(folder)
            report = verify_folder(folder, listing, model.files, workers=workers, on_tick=self._bar(as_json))
        except (HubError, ManifestError, FolderRefused, OSError) as error:
            raise CommandError(str(error), returncode=2) from error
        verdict = self._license(model, revision, license_id)
        result = {
            "repo_id": model.repo_id,
            "revision": revision,
            "license": {"expected": verdict.expected or None, "found": verdict.found, "ok": verdict.ok},
            "files": [o.as_json() for o in report.outcomes],
            "summary": report.summary,
        }
        self._print(result, report, verdict, as_json)
        if not report.all_ok or verdict.ok is False:
            sys.exit(1)

    def _manifest(self, repo_id: str, revision: str, manifest: str | None) -> HubModel:
        validate_repo_id(repo_id)
        if not manifest:
            return HubClient().model(repo_id, revision=revision)
        try:
            model = manifest_from_json(Path(manifest).read_text(encoding="utf-8"))
        except OSError as error:
            raise ManifestError(f"Cannot read the manifest file: {error.strerror}.") from error
        if model.repo_id != repo_id:
            raise ManifestError(f"The manifest is for {model.repo_id}, not {repo_id}.")
        if revision not in (model.revision, model.commit):
            raise ManifestError(f"The manifest is for revision {model.revision} ({model.commit}), not {revision}.")
        return model

    def _license(self, model: HubModel, revision: str, license_id: str | None) -> LicenseVerdict:
        """The given license, else the registry's declared license and allow-list for this repo, if it has one."""
        if license_id:
            return license_check(model.license, declared=license_id)
        try:
            known = (
                ModelVersion.objects.select_related("offering")
                .filter(repo_id=model.repo_id, pinned_sha=model.commit)
                .first()
                or ModelVersion.objects.select_related("offering")
                .filter(repo_id=model.repo_id, revision=revision)
                .first()
            )
        except DatabaseError:
            known = None
        if known is None:
            return license_check(model.license, declared=None)
        return license_check(model.license, declared=known.declared_license, allowed=known.offering.allowed_licenses)

    def _bar(self, as_json: bool):
        if as_json or not sys.stderr.isatty():
            return None
        from tqdm import tqdm  # only when a terminal shows the bar

        bar = tqdm(total=0, unit="B", unit_scale=True, unit_divisor=1024, desc="hashing", file=sys.stderr)

        def tick(progress: Progress) -> None:
            bar.total = progress.bytes_total
            bar.update(progress.bytes_done - bar.n)
            if progress.files_done >= progress.files_total:
                bar.close()

        return tick

    def _print(self, result: dict, report, verdict: LicenseVerdict, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(result, indent=2))
            return
        for outcome in report.outcomes:
            line = f"{outcome.status:<10} {outcome.path}"
            if outcome.status not in ("ok", "missing", "unexpected"):
                line += f"  ({outcome.detail or f'expected {outcome.expected}, got {outcome.actual}'})"
            self.stdout.write(line)
        license_line = f"license: found {verdict.found}, expected {verdict.expected or '-'}"
        state = {True: "ok", False: "MISMATCH", None: "not checked"}[verdict.ok]
        self.stdout.write(f"{license_line}: {state}{' (' + verdict.reason + ')' if verdict.reason else ''}")
        summary = ", ".join(f"{count} {status}" for status, count in result["summary"].items())
        self.stdout.write(f"{summary}; {report.bytes_hashed} bytes hashed in {report.seconds:.1f}s")
