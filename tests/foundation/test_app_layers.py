"""Apps import in one direction (issue 10, item 5): each app imports only apps below it.

Every `import` and `from ... import` of every module (those inside functions too) is read
from the source with ast, so that a lazy import inside a function counts like any other.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

# Lowest first. An app may import the apps of lower levels only (never one of its level).
LAYERS = {
    "lookups": 0,
    "audit": 1,  # records events for everybody; reads a user's scope through the user
    "accounts": 2,
    "information": 2,  # the information sheet for families (reads the audit log only)
    "questions": 3,  # the question catalogue (issue 10 items 1-2, engineer `catalogue`)
    "cases": 4,
    "referrals": 5,
    "emergency": 5,  # emergency access: grants (a cases model), notices and reviews
    "registration": 6,  # registering creates the referrals of the services needed
    "reporting": 6,
    "imports": 7,
    "home": 8,  # composes the apps: the home page, the demo data
    "primero_ro": 9,  # settings, URLs, the Celery app
}

# Imports against the layers that other branches are removing now (issue 10): the lead
# empties this list as they land. Nothing may be added to it.
# Upward imports tolerated while a move is under way; empty now, and it may only shrink.
KNOWN_UPWARD: set[tuple[str, str]] = set()


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & set(LAYERS)


def modules(app: str):
    root = Path(settings.BASE_DIR) / app
    for path in sorted(root.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def upward_imports() -> list[tuple[str, str]]:
    found = []
    for app, level in LAYERS.items():
        for path in modules(app):
            for other in imported_apps(path) - {app}:
                if LAYERS[other] >= level:
                    found.append((path.relative_to(settings.BASE_DIR).as_posix(), other))
    return sorted(found)


def test_every_project_app_has_a_layer():
    apps = {a for a in settings.INSTALLED_APPS if (Path(settings.BASE_DIR) / a).is_dir()}
    assert apps - set(LAYERS) == set(), "give the new app a level in LAYERS"


def test_apps_import_only_downwards():
    assert sorted(set(upward_imports()) - KNOWN_UPWARD) == []


def test_known_upward_imports_are_still_there():
    """An entry whose import is gone must leave KNOWN_UPWARD, so that it cannot return."""
    assert sorted(KNOWN_UPWARD - set(upward_imports())) == [], "remove them from KNOWN_UPWARD"


def test_cases_imports_neither_referrals_nor_reporting_nor_anything_above():
    """The two directions of this issue's item 5 that this branch removed."""
    above = {app for app, level in LAYERS.items() if level > LAYERS["cases"]}
    offending = [(path, app) for path, app in upward_imports() if path.startswith("cases/")]
    assert [(p, a) for p, a in offending if a in above] == []


def test_the_checker_sees_imports_inside_functions(tmp_path):
    source = tmp_path / "lazy.py"
    source.write_text("def f():\n    from reporting import dashboard\n    import home.views\n")
    assert imported_apps(source) == {"reporting", "home"}
