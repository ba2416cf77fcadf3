"""The repository holds sources only: nothing a run of the registry, its broker or its tests generates."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ("var/", "control/", "node_modules/", ".venv/", "__pycache__/", "test-artifacts/", ".pytest_cache/")


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="Needs a git checkout.")
def test_git_tracks_no_generated_file():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout

    generated = [
        path
        for path in tracked.splitlines()
        if path.endswith((".pyc", ".sqlite3", ".exchange")) or any(part in f"{path}/" for part in GENERATED)
    ]

    assert generated == []
