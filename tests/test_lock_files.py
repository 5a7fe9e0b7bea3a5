"""The lock files (requirements/, made by `make lock`) still match pyproject.toml.

`make run`, `make test` and CI install exactly what the lock files say. A
dependency added to pyproject.toml, or given a new range, without `make lock`
would be missing or out of range in every install: this fails first, without
asking the package registry anything."""

import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = PROJECT["dependencies"]
TEST = RUNTIME + PROJECT["optional-dependencies"]["test"]
LOCKS = {"lock.txt": RUNTIME, "lock-test.txt": TEST}
# The Pythons the lock files are for (pyproject.toml's classifiers), on Linux.
PYTHONS = ["3.11", "3.12", "3.13"]


def locked(name):
    """{package: [(version, marker or None)]} of a lock file: one entry per
    version, each with the environments it is for."""
    found = {}
    for line in (ROOT / "requirements" / name).read_text().splitlines():
        if not line or line.startswith(("#", " ")):
            continue
        pin, _, marker = line.partition(";")
        package, equals, version = pin.strip().partition("==")
        assert equals, f"{name}: not an exact version: {line}"
        found.setdefault(canonicalize_name(package), []).append(
            (Version(version), Marker(marker) if marker.strip() else None)
        )
    return found


def environment(python):
    return {
        "python_version": python,
        "python_full_version": f"{python}.0",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "os_name": "posix",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "platform_machine": "x86_64",
    }


@pytest.mark.parametrize("python", PYTHONS)
@pytest.mark.parametrize(("lock", "requirements"), LOCKS.items())
def test_each_dependency_is_locked_once_within_its_range(lock, requirements, python):
    pins = locked(lock)
    for requirement in map(Requirement, requirements):
        versions = [
            version
            for version, marker in pins.get(canonicalize_name(requirement.name), [])
            if marker is None or marker.evaluate(environment(python))
        ]
        assert len(versions) == 1, (
            f"{requirement.name} in {lock} for Python {python}: run make lock"
        )
        assert requirement.specifier.contains(versions[0], prereleases=True), (
            f"{lock} has {requirement.name} {versions[0]}, outside {requirement.specifier}: "
            "run make lock"
        )


def test_the_test_lock_installs_the_runtime_lock_s_versions():
    """`make test` installs the test lock and counts as `make run`'s install too."""
    runtime, test = locked("lock.txt"), locked("lock-test.txt")
    for package, pins in runtime.items():
        assert {version for version, _ in pins} <= {version for version, _ in test[package]}, (
            package
        )
