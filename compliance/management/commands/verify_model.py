"""verify_model: check a local folder against a repo's files and license at a revision, from the Hub or a manifest file.

Every present file is also scanned (its format, and unsafe pickles) and a publisher's model.sig is
verified when the repo ships one.

Exit status: 0 every file and the license match, no file is unsafe or refused by the scanning policy
(unless GSA recorded an exception for the model version) and a present signature verifies; 1 any
of these fails; 2 verification could not be done (Hub error, bad path, bad manifest), with the
reason on standard error.
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
from compliance.signatures import CERTIFICATE, KEY, SIGSTORE, SignatureTrust
from compliance.supply_chain import (
    SupplyChainReport,
    scan_exception_active,
    signature_trust_for,
    supply_chain_assess,
)


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
        trust = parser.add_argument_group("publisher signature (model.sig); default: the registry's configuration")
        trust.add_argument("--signature-public-key", help="PEM public key the publisher signs with")
        trust.add_argument("--signature-certificate-chain", action="append", help="PEM certificate chain (repeatable)")
        trust.add_argument("--signature-identity", help="Sigstore identity (needs network)")
        trust.add_argument("--signature-oidc-issuer", help="Sigstore OIDC issuer of that identity")

    def handle(self, *args, repo_id, revision, path, license_id, manifest, workers, as_json, **options):
        try:
            model = self._manifest(repo_id, revision, manifest)
            folder = confine(path, repo_id=model.repo_id, commit=model.commit, revision=revision)
            listing = scan(folder)
            report = verify_folder(folder, listing, model.files, workers=workers, on_tick=self._bar(as_json))
            known = self._model_version(model, revision)
            chain = supply_chain_assess(
                folder=folder,
                listing=listing,
                outcomes=report.outcomes,
                exception=scan_exception_active(model_version=known, commit=model.commit),
                trust=self._trust(options) or signature_trust_for(known),
            )
        except (HubError, ManifestError, FolderRefused, OSError, ValueError) as error:
            raise CommandError(str(error), returncode=2) from error
        verdict = self._license(model, license_id, known)
        result = {
            "repo_id": model.repo_id,
            "revision": revision,
            "license": {"expected": verdict.expected or None, "found": verdict.found, "ok": verdict.ok},
            "files": [o.as_json() for o in chain.outcomes],
            "summary": {**report.summary, "unsafe": chain.unsafe},
            "signature": chain.signature.as_json(),
        }
        self._print(result, report, verdict, chain, as_json)
        if not report.all_ok or verdict.ok is False or not chain.policy.passed or chain.signature.verified is False:
            sys.exit(1)

    def _trust(self, options) -> SignatureTrust | None:
        """The trust given on the command line (files read here), if any."""
        if options.get("signature_public_key"):
            return SignatureTrust(KEY, public_key=Path(options["signature_public_key"]).read_text(encoding="utf-8"))
        if options.get("signature_certificate_chain"):
            chain = "".join(Path(p).read_text(encoding="utf-8") for p in options["signature_certificate_chain"])
            return SignatureTrust(CERTIFICATE, certificate_chain=chain)
        if options.get("signature_identity"):
            issuer = options.get("signature_oidc_issuer") or ""
            return SignatureTrust(SIGSTORE, identity=options["signature_identity"], oidc_issuer=issuer)
        return None

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

    @staticmethod
    def _model_version(model: HubModel, revision: str) -> ModelVersion | None:
        """The registry's model version of this repo at this commit (or revision), when there is a database."""
        try:
            return (
                ModelVersion.objects.select_related("offering")
                .filter(repo_id=model.repo_id, pinned_sha=model.commit)
                .first()
                or ModelVersion.objects.select_related("offering")
                .filter(repo_id=model.repo_id, revision=revision)
                .first()
            )
        except DatabaseError:
            return None

    def _license(self, model: HubModel, license_id: str | None, known: ModelVersion | None) -> LicenseVerdict:
        """The given license, else the registry's declared license and allow-list for this repo, if it has one."""
        if license_id:
            return license_check(model.license, declared=license_id)
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

    def _print(self, result: dict, report, verdict: LicenseVerdict, chain: SupplyChainReport, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(result, indent=2))
            return
        for outcome in chain.outcomes:
            line = f"{outcome.status:<10} {outcome.path}"
            if outcome.status not in ("ok", "missing", "unexpected"):
                line += f"  ({outcome.detail or f'expected {outcome.expected}, got {outcome.actual}'})"
            if outcome.format:
                line += f"  [{outcome.format}: {outcome.scan}]"
            if outcome.scan == "unsafe":
                line += f"  {outcome.scan_detail}"
            self.stdout.write(line)
        for path, reason in sorted(chain.policy.violations.items()):
            excepted = " (excepted by GSA)" if chain.policy.excepted else ""
            self.stdout.write(f"policy: {path}: {reason}{excepted}")
        signature = chain.signature
        state = {True: "verified", False: "DOES NOT VERIFY", None: "not checked"}[signature.verified]
        if signature.present:
            self.stdout.write(f"signature: {state} {signature.signer} ({signature.detail})")
        if chain.code.needs_review:
            self.stdout.write("custom code: needs trust_remote_code; review " + ", ".join(chain.code.python_files))
        license_line = f"license: found {verdict.found}, expected {verdict.expected or '-'}"
        state = {True: "ok", False: "MISMATCH", None: "not checked"}[verdict.ok]
        self.stdout.write(f"{license_line}: {state}{' (' + verdict.reason + ')' if verdict.reason else ''}")
        summary = ", ".join(f"{count} {status}" for status, count in result["summary"].items())
        self.stdout.write(f"{summary}; {report.bytes_hashed} bytes hashed in {report.seconds:.1f}s")
