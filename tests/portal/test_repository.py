"""What the repository itself holds: a fresh clone must build everything it runs from.

A worktree that shares another checkout's virtualenv does so through a symlink; committed by
mistake, such a link would send a fresh clone's `make` into another folder, or into a loop."""

import shutil
import subprocess

import pytest

from tests.conftest import ROOT


def tracked_entries():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout")
    listing = subprocess.run(
        ["git", "ls-files", "-s"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return [line.split(maxsplit=3) for line in listing.splitlines()]


def test_no_symlink_is_committed():
    links = [entry[3] for entry in tracked_entries() if entry[0] == "120000"]
    assert links == []


def test_nothing_built_is_committed():
    built = {".venv", "node_modules", "staticfiles", "brugwerk.sqlite3"}
    paths = [entry[3] for entry in tracked_entries()]
    assert [path for path in paths if path.split("/")[0] in built] == []
