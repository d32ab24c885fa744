"""The layering ARCHITECTURE.md describes, checked on the source: a shortcut that breaks it fails
here rather than in a review months later."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def top_level_imports(path: Path) -> set[str]:
    """The packages a module imports from (relative imports stay inside its own)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def modules(target: str) -> list[Path]:
    path = ROOT / target
    return [path] if path.is_file() else sorted(path.rglob("*.py"))


def test_the_core_imports_nothing_of_the_apps_built_on_it():
    offenders = [path for path in modules("fics") if "annotations" in top_level_imports(path)]
    assert offenders == []


def test_groups_know_nothing_of_annotations_or_works():
    """Annotations name their group; the group pages show them through a template tag."""
    offenders = [
        path for path in modules("groups") if top_level_imports(path) & {"annotations", "fics"}
    ]
    offenders += [path for path in modules("fics") if "groups" in top_level_imports(path)]
    assert offenders == []


@pytest.mark.parametrize("target", ["fics", "annotations"])
def test_search_is_built_on_top_and_nothing_below_imports_it(target):
    offenders = [path for path in modules(target) if "search" in top_level_imports(path)]
    assert offenders == []


@pytest.mark.parametrize(
    "target",
    [
        "fics/parser",
        "fics/preparing.py",
        "annotations/anchoring.py",
        "annotations/reanchoring.py",
        "annotations/orphan_suggestions.py",
        "annotations/story_map.py",
        "search/query.py",
    ],
)
def test_the_pure_cores_import_no_django(target):
    offenders = [path for path in modules(target) if "django" in top_level_imports(path)]
    assert offenders == []
