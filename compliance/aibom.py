"""AI bill of materials: CycloneDX 1.6 documents for a model version or for an agency's deployments.

Each model version is a `machine-learning-model` component: its supplier (the vendor), its Hugging
Face repo and pinned commit (purl `pkg:huggingface/<ns>/<name>@<commit>` and links to the Hub), its
license, what the registry knows from the model card (parameter count, release date, declared
license) as properties, and one nested `file` component per expected file of the manifest:

- LFS files (weights) carry their SHA-256 in `hashes`, as the Hub publishes it (`lfs.sha256`);
- other files carry no `hashes` entry, because the Hub publishes only their git blob SHA-1, which
  is sha1("blob <size>\\0" + content), not the SHA-1 of the content that a BOM consumer would
  compute. It is given as the property `onegov:file:git_blob_sha1`, labeled as such.

cyclonedx-python-lib (11.x) has no model card class, so the model card facts are properties.
Every document is validated against the official CycloneDX 1.6 JSON schema before it is returned.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from cyclonedx.model import ExternalReference, ExternalReferenceType, HashAlgorithm, HashType, Property, XsUri
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.contact import OrganizationalEntity
from cyclonedx.model.license import DisjunctiveLicense, LicenseAcknowledgement
from cyclonedx.model.tool import ToolRepository
from cyclonedx.output.json import JsonV1Dot6
from cyclonedx.schema import SchemaVersion
from cyclonedx.spdx import fixup_id
from cyclonedx.validation.json import JsonStrictValidator
from django.conf import settings
from django.db.models import Prefetch, QuerySet
from packageurl import PackageURL

from agencies.models import Agency, Deployment, User
from catalog.models import Artifact, ModelVersion
from compliance.models import VerificationRun
from core.errors import PermissionRefused

TOOL_NAME = "onegov-ai-registry"
TOOL_VERSION = "0.1.0"
PUBLIC_HUB = "https://huggingface.co"
OTHER_AGENCY = "This agency's bill of materials is visible only to its officers, GSA officers and auditors."

# Hugging Face license ids that have no SPDX identifier, with the license's own name and text.
NAMED_LICENSES: dict[str, tuple[str, str]] = {
    "llama2": ("Llama 2 Community License Agreement", "https://www.llama.com/llama2/license/"),
    "llama3": ("Meta Llama 3 Community License Agreement", "https://www.llama.com/llama3/license/"),
    "llama3.1": ("Llama 3.1 Community License Agreement", "https://www.llama.com/llama3_1/license/"),
    "llama3.2": ("Llama 3.2 Community License Agreement", "https://www.llama.com/llama3_2/license/"),
    "llama3.3": ("Llama 3.3 Community License Agreement", "https://www.llama.com/llama3_3/license/"),
    "llama4": ("Llama 4 Community License Agreement", "https://www.llama.com/llama4/license/"),
    "gemma": ("Gemma Terms of Use", "https://ai.google.dev/gemma/terms"),
}


class AibomInvalid(Exception):
    """The generated document does not validate against the CycloneDX schema (a bug, never user input)."""


def aibom_license(hf_license: str, *, repo_url: str) -> DisjunctiveLicense:
    """The license of a model: an SPDX id where one exists, else a named license; never "unknown".

    1. An SPDX id, matched case-insensitively (`apache-2.0` → `Apache-2.0`).
    2. A known vendor license by its own name and text (`llama3.1` → Llama 3.1 Community License Agreement).
    3. Anything else keeps the Hub's id in the name and points to the model card that states it.
    """
    spdx_id = fixup_id(hf_license)
    if spdx_id:
        return DisjunctiveLicense(id=spdx_id, acknowledgement=LicenseAcknowledgement.DECLARED)
    name, url = NAMED_LICENSES.get(hf_license.lower(), ("", ""))
    if not name:
        name, url = f"License declared on the Hugging Face Hub as '{hf_license}' (see the model card)", repo_url
    return DisjunctiveLicense(name=name, url=XsUri(url), acknowledgement=LicenseAcknowledgement.DECLARED)


def _hub_url(version: ModelVersion, *suffix: str) -> str:
    return "/".join([settings.HF_ENDPOINT, version.repo_id, *suffix])


def _file_component(version_ref: str, artifact: Artifact) -> Component:
    properties = [Property(name="onegov:file:size", value=str(artifact.size))]
    hashes = []
    if artifact.is_lfs:
        hashes.append(HashType(alg=HashAlgorithm.SHA_256, content=artifact.sha256))
        properties.append(Property(name="onegov:file:storage", value="git-lfs"))
    else:
        properties.append(Property(name="onegov:file:storage", value="git"))
        properties.append(Property(name="onegov:file:git_blob_sha1", value=artifact.git_sha1))
    return Component(
        type=ComponentType.FILE,
        name=artifact.path,
        bom_ref=f"{version_ref}/file/{artifact.path}",
        hashes=hashes,
        properties=properties,
    )


def _model_card_properties(version: ModelVersion) -> list[Property]:
    facts = {
        "onegov:model:name": version.name,
        "onegov:model:offering": str(version.offering),
        "onegov:model:hf_repo": version.repo_id,
        "onegov:model:hf_revision": version.revision,
        "onegov:model:pinned_commit": version.pinned_sha or "not pinned yet (no manifest sync)",
        "onegov:model:declared_license": version.declared_license,
        "onegov:model:parameter_count": str(version.parameter_count) if version.parameter_count else "",
        "onegov:model:release_date": version.release_date.isoformat() if version.release_date else "",
        "onegov:model:manifest_synced_at": version.last_synced_at.isoformat() if version.last_synced_at else "",
        "onegov:file:git_blob_sha1:meaning": (
            "sha1('blob <size>\\0' + content), the git object id the Hub publishes for non-LFS files; "
            "not the SHA-1 of the file content"
        ),
    }
    return [Property(name=name, value=value) for name, value in facts.items() if value]


def _purl(version: ModelVersion, namespace: str, name: str) -> PackageURL:
    """`pkg:huggingface/<ns>/<name>@<commit>`; no version before the first sync pins one, and the Hub's
    address as the `repository_url` qualifier when HF_ENDPOINT is a mirror (as the purl spec asks)."""
    qualifiers = {} if settings.HF_ENDPOINT == PUBLIC_HUB else {"repository_url": settings.HF_ENDPOINT}
    return PackageURL(
        type="huggingface", namespace=namespace, name=name, version=version.pinned_sha or None, qualifiers=qualifiers
    )


def model_version_component(version: ModelVersion, *, extra: Iterable[Property] = ()) -> Component:
    """One model version as a CycloneDX machine-learning-model component with its files nested."""
    namespace, name = version.repo_id.split("/", 1)
    commit = version.pinned_sha or version.revision
    ref = f"model-version-{version.pk}"
    vendor = version.offering.vendor
    references = [
        ExternalReference(type=ExternalReferenceType.WEBSITE, url=XsUri(_hub_url(version))),
        ExternalReference(type=ExternalReferenceType.DISTRIBUTION, url=XsUri(_hub_url(version, "tree", commit))),
        ExternalReference(
            type=ExternalReferenceType.MODEL_CARD, url=XsUri(_hub_url(version, "blob", commit, "README.md"))
        ),
    ]
    return Component(
        type=ComponentType.MACHINE_LEARNING_MODEL,
        bom_ref=ref,
        group=namespace,
        name=name,
        version=commit,
        description=version.name,
        supplier=OrganizationalEntity(name=vendor.name, urls=[XsUri(vendor.website)] if vendor.website else None),
        purl=_purl(version, namespace, name),
        licenses=[aibom_license(version.declared_license, repo_url=_hub_url(version))],
        external_references=references,
        properties=[*_model_card_properties(version), *extra],
        components=[_file_component(ref, artifact) for artifact in version.artifacts.all()],
    )


def _metadata(component: Component | None = None) -> BomMetaData:
    tool = Component(type=ComponentType.APPLICATION, name=TOOL_NAME, version=TOOL_VERSION)
    return BomMetaData(
        tools=ToolRepository(components=[tool]),
        component=component,
        supplier=OrganizationalEntity(name="U.S. General Services Administration (OneGov AI Registry)"),
    )


def _versions() -> QuerySet[ModelVersion]:
    return ModelVersion.objects.select_related("offering__vendor").prefetch_related(
        Prefetch("artifacts", queryset=Artifact.objects.order_by("path"))
    )


def aibom_model_version(*, model_version: ModelVersion | int) -> Bom:
    """The bill of materials of one model version."""
    pk = model_version if isinstance(model_version, int) else model_version.pk
    version = _versions().get(pk=pk)
    return Bom(metadata=_metadata(), components=[model_version_component(version)])


@dataclass(frozen=True)
class DeploymentStatus:
    deployment: Deployment
    run: VerificationRun | None


def _latest_finished_run(deployment: Deployment) -> VerificationRun | None:
    """The deployment's latest finished verification of the model version it runs now.

    A run of the model version the deployment ran before (deployments may change version) says
    nothing about the files it holds now, so it is not reported.
    """
    return (
        VerificationRun.objects.filter(
            deployment=deployment, model_version_id=deployment.model_version_id, status__in=VerificationRun.FINISHED
        )
        .order_by("-finished_at", "-pk")
        .first()
    )


def _deployment_properties(status: DeploymentStatus) -> list[Property]:
    deployment, run = status.deployment, status.run
    prefix = f"onegov:deployment:{deployment.name}"
    # False when the run checked the files against another commit than the one pinned now.
    is_pinned = run.manifest_commit == deployment.model_version.pinned_sha if run and run.manifest_commit else None
    values = {
        f"{prefix}:environment": deployment.environment,
        f"{prefix}:active": "true" if deployment.is_active else "false",
        f"{prefix}:verification_status": run.status if run else "never verified",
        f"{prefix}:verification_run": str(run.pk) if run else "",
        f"{prefix}:verified_at": run.finished_at.isoformat() if run and run.finished_at else "",
        f"{prefix}:verified_commit": run.manifest_commit if run else "",
        f"{prefix}:verified_commit_is_pinned": "" if is_pinned is None else str(is_pinned).lower(),
    }
    return [Property(name=name, value=value) for name, value in values.items() if value]


def aibom_agency(*, agency: Agency, actor: User | None = None) -> Bom:
    """The bill of materials of an agency: every model version it deploys, with each deployment's
    latest finished verification as properties of that model's component.

    `actor=None` is an operator at the command line; otherwise agency officers see only their own agency.
    """
    if actor is not None and not (actor.is_gsa_officer or actor.is_auditor or actor.agency_id == agency.pk):
        raise PermissionRefused(OTHER_AGENCY, code="not_found")
    deployments = Deployment.objects.filter(agency=agency).select_related("model_version").order_by("name")
    by_version: dict[int, list[DeploymentStatus]] = {}
    for deployment in deployments:
        by_version.setdefault(deployment.model_version_id, []).append(
            DeploymentStatus(deployment, _latest_finished_run(deployment))
        )
    components = [
        model_version_component(
            version, extra=[p for status in by_version[version.pk] for p in _deployment_properties(status)]
        )
        for version in _versions().filter(pk__in=by_version).order_by("repo_id", "pk")
    ]
    subject = Component(
        type=ComponentType.APPLICATION,
        bom_ref=f"agency-{agency.abbreviation}",
        name=f"{agency.abbreviation} AI deployments",
        description=f"Open-weight AI models deployed by {agency.name}, as recorded in the OneGov AI Registry.",
        supplier=OrganizationalEntity(name=agency.name),
    )
    bom = Bom(metadata=_metadata(subject), components=components)
    bom.register_dependency(subject, components)
    return bom


def aibom_json(bom: Bom) -> str:
    """Serialize a BOM as CycloneDX 1.6 JSON, refusing anything the official schema rejects."""
    document = JsonV1Dot6(bom).output_as_string(indent=2)
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(document)
    if error is not None:
        raise AibomInvalid(f"The AI-BOM does not validate against CycloneDX 1.6: {error}")
    return document


def aibom_document(
    *, model_version: ModelVersion | int | None = None, agency: Agency | None = None, actor: User | None = None
) -> dict:
    """The validated CycloneDX 1.6 document, as a dict, of a model version or of an agency (for the API)."""
    if (model_version is None) == (agency is None):
        raise ValueError("Give exactly one of model_version and agency.")
    if agency is not None:
        bom = aibom_agency(agency=agency, actor=actor)
    else:
        bom = aibom_model_version(model_version=model_version)
    return json.loads(aibom_json(bom))
