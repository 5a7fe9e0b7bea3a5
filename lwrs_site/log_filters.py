"""Logging filters named in settings.LOGGING."""

import logging


class WithoutTraceback(logging.Filter):
    """Keep the record's message, drop its traceback.

    Django logs every request with a Host header the site does not serve
    (DisallowedHost) with a full traceback: scanners send thousands, and the
    traceback says nothing the message does not."""

    def filter(self, record):
        record.exc_info = None
        record.exc_text = None
        return True
