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

from agencies.models import Agency, ChiefAIOfficer, Onboarding, User
from compliance import provenance
from compliance.models import Evidence, EvidenceDocument, EvidenceStatus, Requirement, UseCase
from compliance.validators import EvidenceFileValidator, content_type_of
from core.audit import audit_record, snapshot
from core.errors import PermissionRefused, ServiceError

# Where a requirement's status comes from: the words are compliance.provenance's, defined once.
PROVENANCE_REVIEWED = provenance.REVIEWED_LABEL
PROVENANCE_SELF_ATTESTED = provenance.SELF_ATTESTED_LABEL


NOT_YOUR_AGENCY = "You may record evidence only for your own agency."
WAIVER_NOT_A_PRACTICE = (
    "{code} cannot be waived: M-25-21 §4(a)(ii) lets the Chief AI Officer waive only the seven minimum practices "
    "(M21-21 to M21-27). Record its actual status instead."
)
WAIVER_NO_CAIO = "No Chief AI Officer of {agency} was in office on {day:%d %b %Y}: only the CAIO may grant a waiver."
WAIVER_DELEGATED = (
    "{name} is not the Chief AI Officer ({caio}): M-25-21 §4(a)(ii) does not let the CAIO delegate waivers."
)
WAIVER_RECERTIFY_LATE = "A waiver is re-certified at least once a year: give a date no later than {day:%d %b %Y}."
WAIVER_NOT_GRANTED = "Only a recorded waiver can be revoked."
WAIVER_ALREADY_REVOKED = "The waiver was already revoked on {day:%d %b %Y}."
REVIEWERS_ONLY = "Only GSA officers review evidence; auditors read it and change nothing."
WRONG_SUBJECT = "{code} applies to {scope}: give the matching use case or onboarding."


@dataclass(frozen=True)
class Waiver:
    """A CAIO's waiver of one minimum practice. `granted_by`, when given, must name the CAIO in office."""

    granted_by: str
    granted_on: dt.date
    justification: str
    recertify_by: dt.date
    reported_to_omb_on: dt.date | None = None


def _waiver_caio(requirement: Requirement, agency: Agency, waiver: Waiver) -> ChiefAIOfficer:
    """The CAIO who granted the waiver; refuses a waiver M-25-21 §4(a)(ii)-(iii) does not allow."""
    if not requirement.waivable:
        raise ServiceError(WAIVER_NOT_A_PRACTICE.format(code=requirement.code), code="not_waivable", field="status")
    caio = next(
        (term for term in agency.caio_terms.order_by("-designated_on") if term.in_office_on(waiver.granted_on)), None
    )
    if caio is None:
        raise ServiceError(
            WAIVER_NO_CAIO.format(agency=agency.abbreviation, day=waiver.granted_on),
            code="waiver_without_caio",
            field="waiver_granted_on",
        )
    given = " ".join(waiver.granted_by.split()).casefold()
    if given and not given.startswith(" ".join(caio.name.split()).casefold()):
        raise ServiceError(
            WAIVER_DELEGATED.format(name=waiver.granted_by, caio=caio.name),
            code="waiver_delegated",
            field="waiver_granted_by",
        )
    latest = _one_year_after(waiver.granted_on)
    if waiver.recertify_by > latest:
        raise ServiceError(
            WAIVER_RECERTIFY_LATE.format(day=latest), code="waiver_recertify", field="waiver_recertify_by"
        )
    return caio


def _one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 Feb
        return day.replace(year=day.year + 1, day=28)


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
    if status == EvidenceStatus.WAIVED and waiver is None:
        raise ServiceError(
            "A waiver needs its date, justification and re-certification date.", code="waiver_incomplete"
        )
    caio = _waiver_caio(requirement, agency, waiver) if status == EvidenceStatus.WAIVED else None
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
        evidence.waiver_caio = caio
        evidence.waiver_granted_by = f"{caio.name}, {caio.title}" if caio else ""
        evidence.waiver_reported_to_omb_on = waiver.reported_to_omb_on if caio else None
        evidence.waiver_revoked_on, evidence.waiver_revocation_reported_on = None, None
        evidence.waiver_granted_on = waiver.granted_on if caio else None
        evidence.waiver_justification = waiver.justification if caio else ""
        evidence.waiver_recertify_by = waiver.recertify_by if caio else None
        evidence.reviewed_by, evidence.reviewed_at = None, None
        evidence.full_clean()
        evidence.save()
        action = "evidence.waived" if status == EvidenceStatus.WAIVED else "evidence.recorded"
        audit_record(actor=actor, action=action, obj=evidence, before=before, after=snapshot(evidence))
    return evidence


def waiver_revoke(*, actor: User, evidence: Evidence, revoked_on: dt.date, reported_to_omb_on: dt.date | None = None):
    """Record that the CAIO revoked a waiver (M-25-21 §4(a)(ii)); the revocation is reported to OMB within 30 days.

    The waiver stays on file with its revocation date: history is appended, not rewritten. Until the
    requirement's evidence is recorded again, the practice is assessed from the inventory's answers.
    """
    if not _may_record(actor, evidence.agency):
        raise PermissionRefused(NOT_YOUR_AGENCY)
    with transaction.atomic():
        evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if evidence.status != EvidenceStatus.WAIVED:
            raise ServiceError(WAIVER_NOT_GRANTED, code="not_a_waiver")
        if evidence.waiver_revoked_on:
            raise ServiceError(WAIVER_ALREADY_REVOKED.format(day=evidence.waiver_revoked_on), code="already_revoked")
        before = snapshot(evidence)
        evidence.waiver_revoked_on, evidence.waiver_revocation_reported_on = revoked_on, reported_to_omb_on
        evidence.save(update_fields=["waiver_revoked_on", "waiver_revocation_reported_on"])
        audit_record(
            actor=actor, action="evidence.waiver_revoked", obj=evidence, before=before, after=snapshot(evidence)
        )
    return evidence


def waiver_omb_report_record(*, actor: User, evidence: Evidence, reported_on: dt.date) -> Evidence:
    """Record the date a waiver's grant (or, once revoked, its revocation) was reported to OMB."""
    if not _may_record(actor, evidence.agency):
        raise PermissionRefused(NOT_YOUR_AGENCY)
    with transaction.atomic():
        evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if evidence.status != EvidenceStatus.WAIVED:
            raise ServiceError(WAIVER_NOT_GRANTED, code="not_a_waiver")
        before = snapshot(evidence)
        field = "waiver_revocation_reported_on" if evidence.waiver_revoked_on else "waiver_reported_to_omb_on"
        setattr(evidence, field, reported_on)
        evidence.save(update_fields=[field])
        audit_record(
            actor=actor, action="evidence.waiver_reported", obj=evidence, before=before, after=snapshot(evidence)
        )
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
