"""Where a requirement's status comes from, in the words every page, report and export uses.

An auditor signs only what they can trace: a status decided by one of the registry's automatic
checks (named), evidence a GSA officer reviewed, or evidence the agency recorded itself that nobody
reviewed. The labels are defined once here so the report, the portal and the API say the same thing.
"""

from __future__ import annotations

AUTOMATIC = "automatic"
REVIEWED = "reviewed"
SELF_ATTESTED = "self_attested"
NONE = "none"

AUTOMATIC_LABEL = "Automatic check ({check})"
REVIEWED_LABEL = "Evidence reviewed by GSA"
SELF_ATTESTED_LABEL = "Self-attested, not reviewed"
NONE_LABEL = "No evidence recorded"
NOT_ASSESSED_LABEL = "Not assessed"

LABELS = {
    AUTOMATIC: AUTOMATIC_LABEL,
    REVIEWED: REVIEWED_LABEL,
    SELF_ATTESTED: SELF_ATTESTED_LABEL,
    NONE: NONE_LABEL,
}


def provenance_label(source: str, *, check: str = "") -> str:
    """The words for one provenance; an automatic check names itself."""
    if source == AUTOMATIC:
        return AUTOMATIC_LABEL.format(check=check)
    return LABELS.get(source, NOT_ASSESSED_LABEL)
