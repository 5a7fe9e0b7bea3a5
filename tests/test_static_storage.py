"""lwrs_site/storage.py: what the site relies on from Django's experimental rewriting of
JavaScript module imports (ticket #34322), which Django applies to *.js files only."""

import json
import re

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from lwrs_site.storage import StaticStorage

FINGERPRINTED = re.compile(r"\.[0-9a-f]{12}\.m?js$")

SOURCES = {
    # As static/js/main.mjs: a module script importing the vendored frontend and
    # modules of its own, by relative paths.
    "js/main.mjs": (
        'import { initAll } from "../vendor/frontend.min.js";\n'
        'import { open } from "./catalogue.mjs";\n'
        "initAll();\nopen();\n"
    ),
    "js/catalogue.mjs": "export function open() {}\n",
    "js/enable.js": 'import "./catalogue.mjs";\n',
    "vendor/frontend.min.js": "export function initAll() {}\n",
}


def collect(tmp_path):
    """What collectstatic does with these files: copy, then post-process."""
    source = FileSystemStorage(location=tmp_path / "source")
    for name, text in SOURCES.items():
        source.save(name, ContentFile(text.encode()))
    storage = StaticStorage(location=tmp_path / "collected", base_url="/static/")
    paths = {}
    for name in SOURCES:
        with source.open(name) as file:
            storage.save(name, file)
        paths[name] = (source, name)
    for _original, _processed, processed in storage.post_process(paths, dry_run=False):
        assert not isinstance(processed, Exception), processed
    manifest = json.loads((tmp_path / "collected" / "staticfiles.json").read_text())["paths"]
    return storage, manifest


def imports_of(storage, manifest, name):
    with storage.open(manifest[name]) as file:
        text = file.read().decode()
    return re.findall(r"""(?:from\s*|import\s*)["']([^"']+)["']""", text)


def test_module_scripts_import_the_fingerprinted_files(tmp_path):
    storage, manifest = collect(tmp_path)
    for name in SOURCES:
        assert FINGERPRINTED.search(manifest[name]), manifest[name]
    # *.mjs: our own pattern entry in StaticStorage.patterns.
    main = imports_of(storage, manifest, "js/main.mjs")
    assert main == [
        f"../vendor/{manifest['vendor/frontend.min.js'].rsplit('/', 1)[1]}",
        f"./{manifest['js/catalogue.mjs'].rsplit('/', 1)[1]}",
    ]
    # *.js: Django's own, switched on by support_js_module_import_aggregation.
    assert imports_of(storage, manifest, "js/enable.js") == [
        f"./{manifest['js/catalogue.mjs'].rsplit('/', 1)[1]}"
    ]
