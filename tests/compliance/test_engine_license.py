"""license_check: `other` is compared by its `license_name` (Llama 4), a bare `other` needs a person."""

import pytest

from compliance.engine import license_check
from compliance.hub import LicenseInfo

LLAMA_LICENSES = ["llama3.1", "llama3.2", "llama4"]


def test_other_with_license_name_llama4_passes_as_llama4():
    verdict = license_check(LicenseInfo(ids=("other",), name="llama4"), declared="llama4", allowed=LLAMA_LICENSES)

    assert (verdict.ok, verdict.found) == (True, "other:llama4")


def test_the_license_name_is_compared_case_insensitively():
    verdict = license_check(LicenseInfo(ids=("other",), name="Llama4"), declared="llama4", allowed=None)

    assert verdict.ok is True


@pytest.mark.parametrize(
    ("found", "declared", "reason"),
    [
        (LicenseInfo(ids=("other",)), "llama4", "needs human review"),
        (LicenseInfo(ids=("other",), name="acme-license"), "llama4", "differs from the declared one"),
        (LicenseInfo(ids=("other",), name="llama4"), "llama3.1", "differs from the declared one"),
    ],
)
def test_a_bare_other_or_another_name_does_not_pass(found, declared, reason):
    verdict = license_check(found, declared=declared, allowed=LLAMA_LICENSES)

    assert verdict.ok is False
    assert reason in verdict.reason


def test_a_license_name_outside_the_allow_list_does_not_pass():
    verdict = license_check(LicenseInfo(ids=("other",), name="llama4"), declared=None, allowed=["llama3.1"])

    assert (verdict.ok, verdict.reason) == (False, "the license is not on the offering's allow-list")
