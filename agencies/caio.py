"""Writes for the Chief AI Officer (M-25-21 §3(a)(i)): designations, vacancies and notices to OMB.

GSA officers and the agency's own officers keep this record; each change is audited in the same
transaction. History is appended: a new designation ends the current term on the day the successor
starts, a vacancy ends it without one, and the notice to OMB (due within 30 days) is recorded on the
term it concerns. The designation document is kept with its sha256, as evidence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.db import transaction

from agencies.models import Agency, ChiefAIOfficer, OpenSourceDetermination, User
from catalog.models import Offering
from core.audit import audit_record, snapshot
from core.errors import PermissionRefused, ServiceError

MAY_NOT_EDIT = "Only GSA officers and the agency's own officers may record its Chief AI Officer."
BEFORE_CURRENT = "{name} was designated on {day:%d %b %Y}: a successor's designation cannot come before it."
NO_CURRENT = "No Chief AI Officer is in office to vacate."
VACANCY_BEFORE_DESIGNATION = "The vacancy cannot start before the designation on {day:%d %b %Y}."
DOCUMENT_TYPES = {"pdf", "png", "jpg", "jpeg", "txt", "docx"}
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
BAD_DOCUMENT = "Give the designation as a PDF, PNG, JPEG, TXT or DOCX file of at most 20 MB."
REASON_REQUIRED = "Give the reason for the determination: M-26-04 leaves the question to the agency."


def _require(actor: User, agency: Agency) -> None:
    if not (actor.is_gsa_officer or (actor.is_agency_officer and actor.agency_id == agency.pk)):
        raise PermissionRefused(MAY_NOT_EDIT)


def _read_document(upload) -> tuple[str, bytes, str]:
    name = PurePath(getattr(upload, "name", "") or "designation").name
    extension = PurePath(name).suffix.lower().lstrip(".")
    upload.seek(0)
    content = upload.read(DOCUMENT_MAX_BYTES + 1)
    if extension not in DOCUMENT_TYPES or len(content) > DOCUMENT_MAX_BYTES:
        raise ServiceError(BAD_DOCUMENT, code="bad_document", field="designation_document")
    return extension, content, hashlib.sha256(content).hexdigest()


def caio_designate(
    *,
    actor: User,
    agency: Agency,
    name: str,
    title: str,
    designated_on: dt.date,
    grade: str = "",
    email: str = "",
    omb_notified_on: dt.date | None = None,
    document=None,
) -> ChiefAIOfficer:
    """Record a new Chief AI Officer of an agency.

    1. Check the actor may edit this agency; read and hash the designation document first, if given.
    2. Lock the agency's current term; end it on the day the successor is designated.
    3. Create the new term with its document, and audit both changes.
    """
    _require(actor, agency)
    if not name.strip() or not title.strip():
        raise ServiceError("Give the Chief AI Officer's name and title.", field="name")
    stored = _read_document(document) if document is not None else None
    with transaction.atomic():
        current = ChiefAIOfficer.objects.select_for_update().filter(agency=agency, ended_on__isnull=True).first()
        if current is not None:
            if designated_on < current.designated_on:
                raise ServiceError(
                    BEFORE_CURRENT.format(name=current.name, day=current.designated_on), field="designated_on"
                )
            before = snapshot(current)
            current.ended_on = designated_on
            current.save(update_fields=["ended_on"])
            audit_record(actor=actor, action="caio.term_ended", obj=current, before=before, after=snapshot(current))
        term = ChiefAIOfficer(
            agency=agency,
            name=name.strip(),
            title=title.strip(),
            grade=grade.strip(),
            email=email.strip(),
            designated_on=designated_on,
            omb_notified_on=omb_notified_on,
            recorded_by=actor,
        )
        if stored is not None:
            extension, content, digest = stored
            term.designation_document.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False)
            term.designation_document_sha256 = digest
        term.full_clean(exclude=["designation_document"])
        term.save()
        audit_record(actor=actor, action="caio.designated", obj=term, agency_id=agency.pk, after=snapshot(term))
    return term


def caio_vacate(
    *, actor: User, agency: Agency, vacated_on: dt.date, omb_notified_on: dt.date | None = None
) -> ChiefAIOfficer:
    """Record that the agency's Chief AI Officer position became vacant (M-25-21 asks for a notice to OMB)."""
    _require(actor, agency)
    with transaction.atomic():
        current = ChiefAIOfficer.objects.select_for_update().filter(agency=agency, ended_on__isnull=True).first()
        if current is None:
            raise ServiceError(NO_CURRENT)
        if vacated_on < current.designated_on:
            raise ServiceError(VACANCY_BEFORE_DESIGNATION.format(day=current.designated_on), field="vacated_on")
        before = snapshot(current)
        current.ended_on, current.vacancy_notified_on = vacated_on, omb_notified_on
        current.save(update_fields=["ended_on", "vacancy_notified_on"])
        audit_record(actor=actor, action="caio.vacated", obj=current, before=before, after=snapshot(current))
    return current


def caio_omb_notice_record(*, actor: User, term: ChiefAIOfficer, notified_on: dt.date) -> ChiefAIOfficer:
    """Record the date OMB was notified of a designation (or, for an ended term with no successor, the vacancy)."""
    _require(actor, term.agency)
    with transaction.atomic():
        term = ChiefAIOfficer.objects.select_for_update().get(pk=term.pk)
        successor = ChiefAIOfficer.objects.filter(agency_id=term.agency_id, designated_on=term.ended_on).exists()
        field = "vacancy_notified_on" if term.ended_on and not successor else "omb_notified_on"
        before = snapshot(term)
        setattr(term, field, notified_on)
        term.save(update_fields=[field])
        audit_record(actor=actor, action="caio.omb_notified", obj=term, before=before, after=snapshot(term))
    return term


def open_source_determination_record(
    *, actor: User, agency: Agency, offering: Offering, is_open_source: bool, reason: str, determined_on: dt.date
) -> OpenSourceDetermination:
    """Record the agency's M-26-04 determination whether an LLM offering's license is free and open source."""
    if not (actor.is_gsa_officer or (actor.is_agency_officer and actor.agency_id == agency.pk)):
        raise PermissionRefused("Only GSA officers and the agency's own officers may record its determinations.")
    if not reason.strip():
        raise ServiceError(REASON_REQUIRED, field="reason")
    with transaction.atomic():
        determination = OpenSourceDetermination.objects.create(
            agency=agency,
            offering=offering,
            is_open_source=is_open_source,
            reason=reason.strip(),
            determined_on=determined_on,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="open_source_determination.recorded",
            obj=determination,
            agency_id=agency.pk,
            after=snapshot(determination),
        )
    return determination
