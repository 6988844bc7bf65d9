"""`api` is at the top of the portal: it may import every app, and no module outside it (tests
and benchmarks aside) imports it."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = ["portal", "companies", "vacancies", "vouchers", "events", "procurement"]


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_no_app_imports_the_api():
    offenders = []
    for app in OUTSIDE:
        for path in (ROOT / app).rglob("*.py"):
            for module in imported_modules(path):
                if module == "api" or module.startswith("api."):
                    offenders.append(f"{path.relative_to(ROOT)}: {module}")
    assert not offenders
    assert (ROOT / "api" / "apps.py").exists()
