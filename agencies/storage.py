"""Where an agency's deployments may keep their model files: each agency has its own model root.

An agency's root is `<root>/<AGENCY ABBREVIATION>/` under each of MODEL_ROOTS (for example
`/srv/models/VA/`). A deployment's folder is canonicalized when it is saved (absolute, no `..`,
symlinks resolved, no trailing slash), must exist, must lie strictly below one of its agency's
roots, and may neither contain nor lie inside another deployment's folder. The verification
repeats the check when a run starts, since folders and links change on disk after saving.

Every refusal gives the same message, so an officer cannot learn whether a path exists or
belongs to another agency by trying it.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db.models import Q

from agencies.models import Agency, Deployment
from core.errors import ServiceError

FOLDER_REFUSED = (
    "Give an existing folder inside your agency's model root ({roots}) that neither contains nor lies "
    "inside another deployment's folder."
)


def agency_model_roots(agency: Agency) -> list[Path]:
    """The agency's model roots: `<root>/<ABBREVIATION>` under each MODEL_ROOTS entry (resolved when present)."""
    roots = []
    for root in settings.MODEL_ROOTS:
        candidate = Path(root) / agency.abbreviation
        try:
            roots.append(candidate.resolve(strict=True))
        except OSError:
            roots.append(candidate)
    return roots


def storage_path_refusal(agency: Agency) -> ServiceError:
    """The one refusal given for every reason a folder is refused."""
    roots = ", ".join(f"{root}/" for root in agency_model_roots(agency))
    return ServiceError(FOLDER_REFUSED.format(roots=roots), code="folder_refused", field="storage_path")


def storage_path_canonical(*, agency: Agency, raw: str) -> str:
    """The canonical form of a folder typed for `agency`, or ServiceError (one message for every reason)."""
    if not raw or "\x00" in raw or not raw.startswith("/") or ".." in PurePosixPath(raw).parts:
        raise storage_path_refusal(agency)
    if not agency.abbreviation or "/" in agency.abbreviation or agency.abbreviation in (".", ".."):
        raise storage_path_refusal(agency)
    try:
        resolved = Path(os.path.normpath(raw)).resolve(strict=True)
    except (OSError, RuntimeError):
        raise storage_path_refusal(agency) from None
    inside = any(resolved != root and resolved.is_relative_to(root) for root in agency_model_roots(agency))
    if not inside or not resolved.is_dir():
        raise storage_path_refusal(agency)
    return resolved.as_posix()


def storage_path_overlaps(*, path: str, exclude_pk: int | None = None) -> bool:
    """Whether another deployment's folder is this folder, contains it or lies inside it."""
    ancestors = [p.as_posix() for p in PurePosixPath(path).parents]
    others = Deployment.objects.filter(
        Q(storage_path=path) | Q(storage_path__startswith=path.rstrip("/") + "/") | Q(storage_path__in=ancestors)
    )
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


def deployment_folder_check(*, deployment: Deployment, raw: str | None = None) -> str:
    """Canonicalize and check a deployment's folder (its own, or `raw`); return it or raise ServiceError."""
    agency = deployment.agency
    path = storage_path_canonical(agency=agency, raw=deployment.storage_path if raw is None else raw)
    if storage_path_overlaps(path=path, exclude_pk=deployment.pk):
        raise storage_path_refusal(agency)
    return path
