"""A throwaway PostgreSQL server that a test (or bench/faults.py) can freeze, stop and start.

As scripts/with-postgres starts one (docs/testing-recipes.md, "A real PostgreSQL in CI"):
initdb and pg_ctl run as the postgres user when we are root, in a folder under
/tmp that user can reach. Freezing sends SIGSTOP to the postmaster and each of
its children (found by parent PID in /proc), never to anything by name; thaw()
sends SIGCONT; the server is always thawed before it is stopped.
"""

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from tests.production import free_port


def binaries():
    """The folder of initdb and pg_ctl, or None."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


class ThrowawayPostgres:
    def __init__(self):
        self.bin = binaries()
        if self.bin is None:
            raise RuntimeError("PostgreSQL's initdb is not installed")
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.dir = Path(tempfile.mkdtemp(prefix="lwrs-faults-pg.", dir="/tmp"))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        self.frozen = []
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        self.start()

    def _run(self, tool, *args):
        subprocess.run(
            [*self.as_postgres, str(self.bin / tool), *map(str, args)],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self):
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", self.data, "-l", self.dir / "server.log", "-w", "start",
                  "-o", options)  # fmt: skip

    def stop(self, mode="fast"):
        self.thaw()
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def _postmaster(self):
        return int((self.data / "postmaster.pid").read_text().splitlines()[0])

    def _children(self, parent):
        children = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                text = Path(stat).read_text()
            except OSError:  # the process has just ended
                continue
            # "pid (command) state ppid ...": the command may hold spaces and parentheses.
            fields = text[text.rindex(")") + 2 :].split()
            if int(fields[1]) == parent:
                children.append(int(stat.split("/")[2]))
        return children

    def freeze(self):
        """Pause the server: connections are accepted by the kernel, and nothing answers."""
        postmaster = self._postmaster()
        os.kill(postmaster, signal.SIGSTOP)  # first, so it starts no new backend meanwhile
        self.frozen = [postmaster]
        for child in self._children(postmaster):
            os.kill(child, signal.SIGSTOP)
            self.frozen.append(child)

    def thaw(self):
        for pid in reversed(self.frozen):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        self.frozen = []

    def close(self):
        self.thaw()
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)
