"""The lock: what pyproject.toml allows, requirements/ pins, and the virtualenv holds."""

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCKS = ("main", "test", "bench")
# "name==version ; marker \" as uv writes it, the hashes on the lines after it.
PIN = re.compile(
    r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>\S+)(?:\s*;\s*(?P<marker>[^\\]+?))?\s*\\?$"
)
HASHED_PIN = re.compile(r"^[A-Za-z0-9._-]+==[^\n]*\\\n(?:\s+--hash=sha256:[0-9a-f]{64}.*\n)+", re.M)


def pins(lock):
    """{name: (version, applies here)} of one lock file."""
    found = {}
    for line in (ROOT / "requirements" / f"{lock}.txt").read_text().splitlines():
        match = PIN.match(line)
        if match:
            marker = match["marker"]
            found[canonicalize_name(match["name"])] = (
                match["version"],
                marker is None or Marker(marker).evaluate(),
            )
    return found


def hashed_pins(lock):
    return HASHED_PIN.findall((ROOT / "requirements" / f"{lock}.txt").read_text())


def project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


@pytest.mark.parametrize("lock", LOCKS)
def test_every_pin_has_hashes(lock):
    assert len(hashed_pins(lock)) == len(pins(lock)) > 0


def test_the_test_environment_holds_exactly_the_locked_versions():
    # make test installs requirements/test.txt: pip freeze equals it for what it names.
    wrong = {
        name: (version, metadata.version(name))
        for name, (version, applies) in pins("test").items()
        if applies and metadata.version(name) != version
    }
    assert not wrong, f"installed versions that differ from the lock (lock, installed): {wrong}"


@pytest.mark.parametrize("lock", ["main", "bench"])
def test_each_lock_pins_the_versions_of_the_test_lock(lock):
    # make lock compiles main.txt and bench.txt with -c test.txt: one version of each package.
    test = pins("test")
    assert {name: pin for name, pin in pins(lock).items() if test.get(name) != pin} == {}


@pytest.mark.parametrize(
    ("lock", "extras"), [("main", []), ("test", ["test"]), ("bench", ["bench"])]
)
def test_the_lock_pins_what_pyproject_allows(lock, extras):
    requirements = [Requirement(spec) for spec in project()["dependencies"]]
    for extra in extras:
        requirements += [Requirement(spec) for spec in project()["optional-dependencies"][extra]]
    locked = pins(lock)
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement} is not in requirements/{lock}.txt"
        assert requirement.specifier.contains(locked[name][0], prereleases=True), (
            f"requirements/{lock}.txt pins {name}=={locked[name][0]}, outside {requirement}:"
            " run make lock"
        )
