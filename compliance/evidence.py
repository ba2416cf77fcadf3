"""Writes for evidence: the status an agency records against a requirement, its review and its documents."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, Onboarding, User
from compliance.models import Evidence, EvidenceDocument, EvidenceStatus, Requirement, UseCase
from compliance.validators import EvidenceFileValidator, content_type_of
from core.audit import audit_record, snapshot
from core.errors import PermissionRefused, ServiceError

# Where a requirement's status comes from, as reports and the status pages say it (the same labels as the
# compliance answers of issue 12): decided by the registry, evidence a GSA officer reviewed, or what the
# agency recorded itself and nobody reviewed, which an auditor must not read as verified.
PROVENANCE_AUTOMATIC = "automatic check"
PROVENANCE_REVIEWED = "evidence reviewed by GSA"
PROVENANCE_SELF_ATTESTED = "self-attested, not reviewed"


def evidence_provenance(*, automatic: bool, evidence: list[Evidence]) -> str:
    """The provenance label of a status: automatic, reviewed (every piece of evidence reviewed), or self-attested."""
    if automatic:
        return PROVENANCE_AUTOMATIC
    if not evidence:
        return ""
    if all(item.reviewed_by_id for item in evidence):
        return PROVENANCE_REVIEWED
    return PROVENANCE_SELF_ATTESTED


NOT_YOUR_AGENCY = "You may record evidence only for your own agency."
REVIEWERS_ONLY = "Only GSA officers review evidence; auditors read it and change nothing."
WRONG_SUBJECT = "{code} applies to {scope}: give the matching use case or onboarding."


@dataclass(frozen=True)
class Waiver:
    granted_by: str
    granted_on: dt.date
    justification: str
    recertify_by: dt.date


def _may_record(actor: User, agency: Agency) -> bool:
    return actor.is_gsa_officer or (actor.is_agency_officer and actor.agency_id == agency.pk)


def _check_subject(requirement: Requirement, use_case: UseCase | None, onboarding: Onboarding | None) -> None:
    wanted = {
        Requirement.AppliesTo.HIGH_IMPACT_USE_CASE: (True, False),
        Requirement.AppliesTo.ONBOARDING: (False, True),
    }.get(requirement.applies_to, (False, False))
    if (use_case is not None, onboarding is not None) != wanted:
        raise ServiceError(
            WRONG_SUBJECT.format(code=requirement.code, scope=requirement.get_applies_to_display().lower()),
            code="wrong_subject",
        )


def evidence_record(
    *,
    actor: User,
    requirement: Requirement,
    agency: Agency,
    status: str,
    notes: str = "",
    use_case: UseCase | None = None,
    onboarding: Onboarding | None = None,
    waiver: Waiver | None = None,
) -> Evidence:
    """Record (create or replace) the agency's evidence for one requirement and subject.

    1. Check the actor may write for this agency and the subject matches the requirement's scope.
    2. Lock the existing row, if any, and overwrite its status, notes and waiver.
    3. Clear the review (changed evidence needs a fresh review), validate, save and audit.
    """
    if not _may_record(actor, agency):
        raise PermissionRefused(NOT_YOUR_AGENCY)
    _check_subject(requirement, use_case, onboarding)
    with transaction.atomic():
        evidence = (
            Evidence.objects.select_for_update()
            .filter(requirement=requirement, agency=agency, use_case=use_case, onboarding=onboarding)
            .first()
        )
        before = snapshot(evidence)
        evidence = evidence or Evidence(
            requirement=requirement, agency=agency, use_case=use_case, onboarding=onboarding
        )
        evidence.status, evidence.notes, evidence.recorded_by = status, notes, actor
        evidence.waiver_granted_by = waiver.granted_by if waiver else ""
        evidence.waiver_granted_on = waiver.granted_on if waiver else None
        evidence.waiver_justification = waiver.justification if waiver else ""
        evidence.waiver_recertify_by = waiver.recertify_by if waiver else None
        evidence.reviewed_by, evidence.reviewed_at = None, None
        evidence.full_clean()
        evidence.save()
        action = "evidence.waived" if status == EvidenceStatus.WAIVED else "evidence.recorded"
        audit_record(actor=actor, action=action, obj=evidence, before=before, after=snapshot(evidence))
    return evidence


def evidence_review(*, actor: User, evidence: Evidence) -> Evidence:
    """Mark evidence as reviewed by a GSA officer, now (auditors read everything and change nothing)."""
    if not actor.is_gsa_officer:
        raise PermissionRefused(REVIEWERS_ONLY)
    with transaction.atomic():
        evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
        before = snapshot(evidence)
        evidence.reviewed_by, evidence.reviewed_at = actor, timezone.now()
        evidence.save(update_fields=["reviewed_by", "reviewed_at"])
        audit_record(actor=actor, action="evidence.reviewed", obj=evidence, before=before, after=snapshot(evidence))
    return evidence


def _read_upload(upload, validator: EvidenceFileValidator) -> tuple[bytes, str]:
    """Read at most the limit + 1 bytes (a size that lied is still caught) and hash them."""
    digest, chunks, total = hashlib.sha256(), [], 0
    upload.seek(0)
    while chunk := upload.read(64 * 1024):
        total += len(chunk)
        if total > validator.limit:
            raise validator.too_large(total)
        digest.update(chunk)
        chunks.append(chunk)
    return b"".join(chunks), digest.hexdigest()


def evidence_document_add(*, actor: User, evidence: Evidence, upload) -> EvidenceDocument:
    """Store an uploaded file as evidence under a generated name, with its sha256, size and checked type.

    The file is read and hashed before the transaction opens; the name the user gave is kept only
    as a label, never as a path.
    """
    if not _may_record(actor, evidence.agency):
        raise PermissionRefused(NOT_YOUR_AGENCY)
    original_name = PurePath(getattr(upload, "name", "") or "upload").name[:255]
    validator = EvidenceFileValidator()
    try:
        validator(upload)
        content, sha256 = _read_upload(upload, validator)
    except ValidationError as error:
        raise ServiceError(error.messages[0], code=error.code, field="file") from None
    extension = PurePath(original_name).suffix.lower().lstrip(".")
    with transaction.atomic():
        document = EvidenceDocument(
            evidence=evidence,
            original_name=original_name,
            content_type=content_type_of(original_name),
            size=len(content),
            sha256=sha256,
            uploaded_by=actor,
        )
        document.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False)
        document.save()
        audit_record(
            actor=actor,
            action="evidence.document_added",
            obj=document,
            agency_id=evidence.agency_id,
            after=snapshot(document),
        )
    return document
