"""Django's SQLite backend, with a deadline on every call (see lwrs_site/db/), and
a web process that reports a missing database file instead of creating an empty one.

Why: SQLite creates the file it is asked to open. A worker that reconnected
while the file was moved away used to serve an empty catalogue ("no such
table") while /healthz said "ok". Here a web process opens the file read-write
only if it exists (SQLite's mode=rw), and a kept connection whose file has gone
or been replaced (another inode at that path) is dropped before the next request
uses it, so the site answers from what is really at DATABASES["NAME"].
"""

import os
from urllib.parse import quote

from django.db.backends.sqlite3 import base

from lwrs_site.db import DeadlineMixin, is_serving


def _identity(path):
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_dev, status.st_ino)


class DatabaseWrapper(DeadlineMixin, base.DatabaseWrapper):
    _file_identity = None

    def database_file(self):
        """The path of the database file, or None for an in-memory database."""
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or name.startswith("file:"):
            return None
        return os.path.abspath(name)

    def get_connection_params(self):
        params = super().get_connection_params()
        path = self.database_file()
        if path and is_serving():
            params["database"] = f"file:{quote(path)}?mode=rw"  # Django opens it as a URI
        return params

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if self.is_in_memory_db():
            # Only Django's test database is in memory: one database that every
            # thread's connection shares, with a lock on each table a test's open
            # transaction has written. Another thread (the health probe) reads
            # what the test sees, instead of failing with "table is locked".
            connection.execute("PRAGMA read_uncommitted = 1")
        path = self.database_file()
        self._file_identity = path and _identity(path)
        return connection

    def is_usable(self):
        path = self.database_file()
        return not path or _identity(path) == self._file_identity
