"""The code stays lint-clean and the core stays free of Qt."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
QT_FREE_PACKAGES = ("domain", "store", "sync", "importing", "demo", "reports")
QT_FREE_MODULES = (
    "cli.py", "cli_sync.py", "cli_import.py", "cli_access.py", "cli_backup.py",
    "cli_privacy.py", "cli_audit.py", "cli_retention.py", "i18n.py", "logs.py", "paths.py",
    "retention_text.py", "settings.py",
)  # fmt: skip


def _ruff() -> str:
    beside_python = Path(sys.executable).with_name("ruff")
    return str(beside_python) if beside_python.exists() else (shutil.which("ruff") or "ruff")


def test_ruff_check_is_clean():
    result = subprocess.run(
        [_ruff(), "check", "--quiet", str(PROJECT_ROOT)],
        capture_output=True, text=True, check=False, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_core_never_imports_qt_or_the_ui():
    package = PROJECT_ROOT / "mediator_app"
    files = [path for name in QT_FREE_PACKAGES for path in (package / name).rglob("*.py")]
    files += [package / name for name in QT_FREE_MODULES]
    offenders = {
        str(path.relative_to(PROJECT_ROOT)): sorted(
            name for name in _imported_modules(path)
            if name.startswith("PySide6") or name.startswith("mediator_app.ui")
        )
        for path in files
    }  # fmt: skip
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_domain_imports_nothing_of_the_app_but_itself():
    domain = PROJECT_ROOT / "mediator_app" / "domain"
    offenders = {
        path.name: sorted(
            name for name in _imported_modules(path)
            if name.startswith("mediator_app") and not name.startswith("mediator_app.domain")
        )
        for path in domain.rglob("*.py")
    }  # fmt: skip
    assert {name: found for name, found in offenders.items() if found} == {}


def test_only_the_change_writer_writes_to_synced_tables():
    """Nothing writes around the one write path: no SQL INSERT, UPDATE or DELETE on a
    synced table outside ``store/changes.py``."""
    from mediator_app.store.changes import SYNCED_TABLES

    writes = ("INSERT INTO", "UPDATE", "DELETE FROM", "REPLACE INTO")
    offenders = []
    for path in (PROJECT_ROOT / "mediator_app").rglob("*.py"):
        if path.name == "changes.py":
            continue
        text = path.read_text(encoding="utf-8")
        for table in SYNCED_TABLES:
            for verb in writes:
                for quoted in (f"{verb} {table} ", f"{verb} {table}(", f'{verb} "{table}"'):
                    if quoted in text:
                        offenders.append(f"{path.name}: {quoted}")
    assert offenders == []
