"""Every string the code marks for translation reaches the catalogues.

`make messages` (makemessages, xgettext) finds a string only through the names it knows:
`_`, gettext, gettext_lazy, ngettext, ngettext_lazy, pgettext, pgettext_lazy, npgettext,
npgettext_lazy, gettext_noop. A translation function imported under another name (`gettext_lazy
as _lazy`) marks strings that are never extracted: the next `makemessages --no-obsolete` drops
their translations and the page speaks English (it happened to the grid's "held" messages).
"""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = [
    "portal",
    "companies",
    "vacancies",
    "vouchers",
    "events",
    "procurement",
    "api",
    "benchmarks",
]
TRANSLATING = {
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
    "gettext_noop",
}
EXTRACTED_NAMES = TRANSLATING | {"_"}
# Named otherwise on purpose, with the reason at the import.
NOT_OURS = {
    # Django's own string, translated by Django's catalogue, kept out of ours.
    ("portal/adminlists.py", "upstream_gettext"),
}


def renamed_translations():
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if not (
                    isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
                ):
                    continue
                for alias in node.names:
                    name = alias.asname or alias.name
                    where = (path.relative_to(ROOT).as_posix(), name)
                    renamed = alias.name in TRANSLATING and name not in EXTRACTED_NAMES
                    if renamed and where not in NOT_OURS:
                        found.append(where)
    return found


def test_translation_functions_are_imported_under_names_makemessages_extracts():
    assert renamed_translations() == []


def test_the_check_finds_a_renamed_translation(tmp_path, monkeypatch):
    app = tmp_path / "portal"
    app.mkdir()
    (app / "views.py").write_text("from django.utils.translation import gettext_lazy as _lazy\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    monkeypatch.setattr(f"{__name__}.APPS", ["portal"])

    assert renamed_translations() == [("portal/views.py", "_lazy")]
