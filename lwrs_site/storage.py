"""Static file storage: fingerprinted, compressed, served for ever by whitenoise."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    # Our module scripts import NHS.UK frontend and each other by path: rewrite
    # those imports to the fingerprinted files too, so all are cached far into the
    # future. Django's rewriting of import/export statements is documented but
    # experimental and opt-in (ticket #34322, Django 4.2), and applies to *.js only.
    support_js_module_import_aggregation = True
    # Our module scripts are *.mjs: the same rewriting for them. Django keeps its
    # patterns in the private _js_module_import_aggregation_patterns (no public way
    # to add an extension); tests/test_static_storage.py pins what we rely on, so a
    # Django upgrade that changes them fails there, not in production.
    patterns = CompressedManifestStaticFilesStorage.patterns + (
        ("*.mjs", CompressedManifestStaticFilesStorage._js_module_import_aggregation_patterns[1]),
    )
