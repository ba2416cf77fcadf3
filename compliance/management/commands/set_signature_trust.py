"""set_signature_trust: say how a model version's publisher signature (model.sig) is verified (GSA only).

Exit status: 0 recorded (audited as signature_trust.set); 2 refused (unknown model version, not a GSA
officer, unreadable PEM file, or material missing for the method), with the reason on standard error.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from catalog.models import ModelVersion
from compliance.management.commands._actor import command_user
from compliance.supply_chain import signature_trust_set
from core.errors import ServiceError


class Command(BaseCommand):
    help = "Set the public key, certificate chain or Sigstore identity that signs a model version's model.sig."

    def add_arguments(self, parser):
        parser.add_argument("repo_id")
        parser.add_argument("--revision", required=True, help="the model version's revision or pinned commit")
        parser.add_argument("--as", dest="username", required=True, help="the GSA officer recording it")
        method = parser.add_mutually_exclusive_group(required=True)
        method.add_argument("--public-key", help="PEM file of the publisher's public key")
        method.add_argument("--certificate-chain", nargs="+", help="PEM files of the certificate chain to trust")
        method.add_argument("--identity", help="Sigstore identity (verification needs network)")
        parser.add_argument("--oidc-issuer", help="with --identity: the OIDC issuer of that identity")

    def handle(self, *args, repo_id, revision, username, public_key, certificate_chain, identity, oidc_issuer, **_):
        versions = ModelVersion.objects.filter(repo_id=repo_id)
        model_version = (versions.filter(revision=revision) | versions.filter(pinned_sha=revision)).first()
        if model_version is None:
            raise CommandError(f"No model version of {repo_id} at {revision}.", returncode=2)
        try:
            material = self._material(public_key, certificate_chain, identity, oidc_issuer)
            row = signature_trust_set(model_version=model_version, actor=command_user(username), **material)
        except OSError as error:
            raise CommandError(f"Cannot read the PEM file: {error.strerror}.", returncode=2) from error
        except ServiceError as error:
            raise CommandError(error.message, returncode=2) from error
        except ValidationError as error:
            raise CommandError("; ".join(error.messages), returncode=2) from error
        self.stdout.write(f"{model_version}: model.sig is verified by {row.get_method_display().lower()}.")

    @staticmethod
    def _material(public_key, certificate_chain, identity, oidc_issuer) -> dict:
        if public_key:
            return {"method": "key", "public_key": Path(public_key).read_text(encoding="utf-8")}
        if certificate_chain:
            chain = "".join(Path(p).read_text(encoding="utf-8") for p in certificate_chain)
            return {"method": "certificate", "certificate_chain": chain}
        return {"method": "sigstore", "identity": identity, "oidc_issuer": oidc_issuer or ""}
