"""The shape of the code base, checked: one app per capability, dependencies that point one
way, no reaching into another module's private names, modules short enough to read, tests
that mirror the apps and say what they check."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CAREERS = ROOT / "careers"
APPS = ("core", "accounts", "content", "comparisons", "plans")
# Which of our apps each app may import. Comparisons and plans use content and accounts,
# never the reverse, and not each other; every app may use core, which uses none.
ALLOWED = {
    "core": set(),
    "accounts": {"core"},
    "content": {"core"},
    "comparisons": {"core", "accounts", "content"},
    "plans": {"core", "accounts", "content"},
}
MAX_LINES = 500


def source_modules() -> list[Path]:
    return sorted(
        path
        for path in [*CAREERS.rglob("*.py"), *(ROOT / "advisor").rglob("*.py")]
        if "migrations" not in path.parts
    )


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[str, str | None, int]]:
    """(module, imported name or None, line) for every import of the file, relative imports
    resolved."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = (
        module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    )
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, None, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            found += [(module, alias.name, node.lineno) for alias in node.names]
    return found


def app_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] == "careers" and parts[1] in APPS:
        return parts[1]
    return None


def test_it_has_one_app_per_capability_each_saying_what_lives_there():
    from django.apps import apps

    labels = {
        config.label for config in apps.get_app_configs() if config.name.startswith("careers.")
    }
    assert labels == set(APPS)
    assert sorted(
        p.name for p in CAREERS.iterdir() if p.is_dir() and p.name != "__pycache__"
    ) == sorted(APPS)
    for app in APPS:
        init = CAREERS / app / "__init__.py"
        assert ast.get_docstring(ast.parse(init.read_text())), (
            f"careers/{app}/__init__.py says nothing"
        )
        assert (CAREERS / app / "apps.py").exists()


@pytest.mark.parametrize("path", source_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_it_keeps_dependencies_pointing_one_way(path):
    own = app_of(module_name(path))
    if own is None:
        return  # advisor/ composes the apps: it may use any of them.
    wrong = [
        f"line {line}: {module}"
        for module, _name, line in imports(path)
        if (other := app_of(module)) not in (None, own) and other not in ALLOWED[own]
    ]
    assert not wrong, f"careers/{own} may use only {sorted(ALLOWED[own])}: {wrong}"


@pytest.mark.parametrize("path", source_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_it_never_imports_another_modules_private_names(path):
    private = [
        f"line {line}: {module}.{name}"
        for module, name, line in imports(path)
        if module.startswith(("careers", "advisor"))
        and name is not None
        and name.startswith("_")
        and not name.startswith("__")
    ]
    assert not private


def admin_modules() -> list[Path]:
    return [p for p in source_modules() if p.stem == "admin" or "admin" in p.parent.parts]


@pytest.mark.parametrize("path", admin_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_it_keeps_the_admin_away_from_views(path):
    views = [
        module for module, name, _ in imports(path) if module.endswith(".views") or name == "views"
    ]
    assert not views


@pytest.mark.parametrize("path", source_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_it_keeps_every_module_short_enough_to_read(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{lines} lines: split it by concern"


def test_it_mirrors_the_apps_in_the_tests():
    folders = {p.name for p in (ROOT / "tests").iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert set(APPS) <= folders
    assert folders - set(APPS) <= {"advisor", "browser", "integration", "benchmarks"}


def test_it_groups_templates_by_app():
    templates = ROOT / "templates"
    folders = {p.name for p in templates.iterdir() if p.is_dir()}
    # admin/, registration/ (axes' lockout page), account/ and allauth/ are the names
    # Django's admin, axes and django-allauth look for.
    assert folders <= {*APPS, "admin", "registration", "account", "allauth"}
    assert {p.name for p in (templates / "admin").iterdir() if p.is_dir()} <= set(APPS)


def suite_modules() -> list[Path]:
    return sorted((ROOT / "tests").rglob("test_*.py"))


@pytest.mark.parametrize("path", suite_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_it_names_every_test_for_what_it_does(path):
    tree = ast.parse(path.read_text())
    misnamed = [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
        and not node.name.startswith("test_it_")
    ]
    assert not misnamed, f"name them test_it_<does_something>: {misnamed}"
