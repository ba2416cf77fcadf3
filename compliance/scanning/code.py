"""Custom code and templates in a repo: `auto_map` in config.json, Python files, chat templates.

A repo with custom code needs `trust_remote_code=True` to load, which runs its Python files: it is
flagged for review. Chat templates (Jinja, rendered by the tokenizer) are reported with a digest,
so a change between versions is visible.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_JSON_BYTES = 16 * 1024 * 1024


@dataclass
class CodeReport:
    """What in a repo runs or renders as code when it is loaded."""

    auto_map: dict = field(default_factory=dict)
    python_files: list[str] = field(default_factory=list)
    chat_templates: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def needs_review(self) -> bool:
        """Custom code (auto_map or Python files) needs trust_remote_code, so a person reviews it."""
        return bool(self.auto_map or self.python_files)

    def as_json(self) -> dict:
        return {
            "needs_review": self.needs_review,
            "trust_remote_code": self.needs_review,
            "auto_map": self.auto_map,
            "python_files": self.python_files,
            "chat_templates": self.chat_templates,
            "problems": self.problems,
        }


def code_report(paths: list[str], read: Callable[[str, int], bytes | None]) -> CodeReport:
    """Report custom code and templates among `paths`; `read(path, limit)` returns at most `limit` bytes or None."""
    report = CodeReport(python_files=sorted(p for p in paths if p.endswith(".py")))
    if "config.json" in paths:
        config = _json(read, "config.json", report)
        auto_map = config.get("auto_map") if isinstance(config, dict) else None
        if auto_map:
            report.auto_map = auto_map if isinstance(auto_map, dict) else {"value": str(auto_map)}
    if "tokenizer_config.json" in paths:
        tokenizer = _json(read, "tokenizer_config.json", report)
        template = tokenizer.get("chat_template") if isinstance(tokenizer, dict) else None
        for name, text in _templates(template):
            report.chat_templates.append(_template_entry("tokenizer_config.json", name, text))
    for path in sorted(p for p in paths if p.endswith(".jinja") and p.rsplit("/", 1)[-1].startswith("chat_template")):
        data = read(path, MAX_JSON_BYTES)
        if data is not None:
            report.chat_templates.append(_template_entry(path, "default", data.decode("utf-8", "replace")))
    return report


def _json(read, path: str, report: CodeReport):
    data = read(path, MAX_JSON_BYTES + 1)
    if data is None:
        report.problems.append(f"{path}: cannot be read")
        return None
    if len(data) > MAX_JSON_BYTES:
        report.problems.append(f"{path}: larger than {MAX_JSON_BYTES} bytes, not read")
        return None
    try:
        return json.loads(data)
    except ValueError:
        report.problems.append(f"{path}: not valid JSON")
        return None


def _templates(template) -> list[tuple[str, str]]:
    if isinstance(template, str):
        return [("default", template)]
    if isinstance(template, list):
        return [
            (str(item.get("name", "")), item["template"])
            for item in template
            if isinstance(item, dict) and isinstance(item.get("template"), str)
        ]
    return []


def _template_entry(source: str, name: str, text: str) -> dict:
    return {
        "source": source,
        "name": name,
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "length": len(text),
    }
