"""The default scanning policy: which files make a verification fail unless GSA recorded an exception."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from compliance.scanning.files import PICKLE_FORMATS, UNSAFE

UNSAFE_FILE = "unsafe file: {detail}"
PICKLE_BESIDE_SAFETENSORS = "pickle-format weights in a repo that also ships safetensors"


@dataclass
class PolicyResult:
    """Files the policy refuses (path → reason), and whether an exception lets the verification pass anyway."""

    violations: dict[str, str] = field(default_factory=dict)
    excepted: bool = False

    @property
    def passed(self) -> bool:
        return not self.violations or self.excepted


def policy_violations(files: Iterable[tuple[str, str, str, str]]) -> dict[str, str]:
    """Each refused file with its reason; `files` holds (path, format, verdict, detail) of the folder and the repo.

    1. A file our scan found unsafe is refused.
    2. When the repo holds a safetensors file, every pickle-format file (a pickle, a PyTorch archive)
       is refused too, however clean it looks: the safe copy is there to be used instead.
    """
    files = list(files)
    has_safetensors = any(fmt == "safetensors" for _path, fmt, _verdict, _detail in files)
    violations = {}
    for path, fmt, verdict, detail in files:
        if verdict == UNSAFE:
            violations[path] = UNSAFE_FILE.format(detail=detail)[:300]
        elif has_safetensors and fmt in PICKLE_FORMATS:
            violations[path] = PICKLE_BESIDE_SAFETENSORS
    return violations
