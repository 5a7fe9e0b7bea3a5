"""The README's layout table is a map of the code a newcomer can trust: every
module is in it, and everything in it exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where the modules are. Tests themselves (test_*.py) are not listed one by one:
# the helpers beside them are.
PACKAGES = ["lwrs_site", "programmes", "alerts", "bench", "tests"]


def layout_paths():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([^`]+)` \|", section, flags=re.MULTILINE)


def modules():
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT)
            if (
                path.name == "__init__.py"
                or "migrations" in relative.parts
                or path.name.startswith("test_")
            ):
                continue
            yield relative.as_posix()
    for script in (ROOT / "scripts").iterdir():
        yield script.relative_to(ROOT).as_posix()


def test_every_module_is_in_the_readme_s_layout_table():
    listed = set(layout_paths())
    missing = sorted(set(modules()) - listed)
    assert not missing, f"Add to the README's layout table: {missing}"


def test_everything_the_layout_table_lists_exists():
    gone = [path for path in layout_paths() if not (ROOT / path).exists()]
    assert not gone, f"In the README's layout table but not in the repository: {gone}"


def test_the_check_reads_the_table():
    paths = layout_paths()
    assert "programmes/finder/index.py" in paths
    assert "tests/conftest.py" in paths
    assert "scripts/with-postgres" in paths
    assert len(paths) > 100
