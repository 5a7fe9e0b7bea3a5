"""Static file storage: fingerprinted, compressed, served for ever by whitenoise."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    # Our module script imports NHS.UK frontend by path: rewrite that import to
    # the fingerprinted file too, so both are cached far into the future.
    support_js_module_import_aggregation = True
    # Django rewrites imports in *.js files only; our module script is main.mjs.
    patterns = CompressedManifestStaticFilesStorage.patterns + (
        ("*.mjs", CompressedManifestStaticFilesStorage._js_module_import_aggregation_patterns[1]),
    )
