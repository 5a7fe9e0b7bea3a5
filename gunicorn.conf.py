"""gunicorn's settings for the site: `gunicorn -c gunicorn.conf.py lwrs_site.wsgi`.

`make serve` and the README's production recipe use it; flags on the command
line (--bind, --workers) win over what is here.

Worker model: threaded workers (gthread). A sync worker serves one connection
at a time from the moment it accepts it, so a client that trickles its request
(a slow phone link, or someone doing it on purpose) holds a whole worker: two
such clients stopped a two-worker site for 15 s. A gthread worker accepts in a
loop of its own, leaves idle connections with that loop, and reads and serves
each request in one of `threads` threads: a slow client holds one thread, and
the site keeps answering until every thread of every worker is held
(tests/test_faults.py proves it with raw sockets). Threads also keep serving
while one of them waits on a slow database call. Past workers x threads slow
clients, only a buffering proxy in front helps: the load balancer or reverse
proxy production puts in front (README, "Run it in production").

Why not gevent: greenlets would need the database driver patched to yield,
for a site whose pages come from a per-process cache in under a millisecond.
"""

import os

worker_class = "gthread"
# One process per CPU: each keeps its own page cache and finder index
# (README: about 100 MB a worker at 10,000 programmes).
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
# Requests served at once by a worker. Each thread keeps its own database
# connection (CONN_MAX_AGE), and each worker one more that listens for catalogue
# changes (programmes/version_listener.py): workers x (threads + 1) x instances
# must stay below PostgreSQL's max_connections (100 by default).
threads = int(os.environ.get("GUNICORN_THREADS", 8))
# A worker whose main loop is silent this long is restarted. Far above every
# database timeout (lwrs_site/settings.py: connect 3 s, statement 5 s, any
# single call 7 s), so a slow or frozen database never gets a worker killed.
timeout = 30
graceful_timeout = 30
# Idle kept-alive connections wait in the worker's loop, not in a thread.
keepalive = 5
