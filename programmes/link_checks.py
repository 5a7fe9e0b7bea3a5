"""The link check: do the web pages that published programmes link to still answer?

`manage.py check_links` visits every external address of the published programmes:
their links, calls to action, key dates' links and links in their text. Each address
is visited at most once a day, whatever runs the command (the database records when it
was claimed, so several servers may run it at once); HEAD first, then GET when HEAD
fails (many servers refuse HEAD); a timeout on each request; at most a few requests at
a time, and one at a time to any one site, with a pause between them.

An address is broken when it answers 404, 410, any other 4xx but 401/403/429 (sites
that refuse robots or want a sign-in may still work for people) or 5xx, or does not
answer at all. The admin's home page and the programme's form show broken ones.
"""

import concurrent.futures
import datetime
import http.client
import ipaddress
import socket
import time
import urllib.error
import urllib.request
from collections import defaultdict
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import LinkCheck, Programme

ONCE_A_DAY = datetime.timedelta(hours=23)  # a daily cron job that starts a little early still runs
NOT_BROKEN = {401, 403, 429}
READ_AT_MOST = 16 * 1024  # a GET reads this much of the page, no more


def programme_urls(programme):
    """The web addresses a programme links to (needs its links and key dates)."""
    from .content_checks import MARKDOWN_LINK

    urls = [link.url for link in programme.links.all()]
    urls += [date.url for date in programme.key_dates.all() if date.url]
    urls.append(programme.cta_url)
    urls += [m.group(2) for m in MARKDOWN_LINK.finditer(programme.body)]
    return [u for u in dict.fromkeys(urls) if u.lower().startswith(("https://", "http://"))]


def published_urls():
    """{url: [programme, ...]} for every published programme."""
    found = defaultdict(list)
    programmes = Programme.objects.published().prefetch_related("links", "key_dates")
    for programme in programmes.order_by("title"):
        for url in programme_urls(programme):
            found[url].append(programme)
    return found


def broken_links():
    """[(LinkCheck, [programme, ...])] for the broken addresses published programmes use."""
    urls = published_urls()
    checks = LinkCheck.objects.filter(broken=True, url__in=list(urls)).order_by("url")
    return [(check, urls[check.url]) for check in checks]


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects as urllib does, remembering the first one's status code."""

    def __init__(self):
        self.codes = []

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        self.codes.append(code)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _private(host):
    """Whether a host is on a private network: a link to one is never a public page, and
    the checker must not be a way to probe the servers' own network."""
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return False  # the request will fail and say so
    return any(not ipaddress.ip_address(info[4][0].split("%")[0]).is_global for info in infos)


def _request(url, method, timeout):
    redirects = _Redirects()
    opener = urllib.request.build_opener(redirects)
    headers = {"User-Agent": settings.LINK_CHECK_USER_AGENT, "Accept": "*/*"}
    try:
        # Only http(s) addresses come here (programme_urls).
        request = urllib.request.Request(url, method=method, headers=headers)  # noqa: S310
        with opener.open(request, timeout=timeout) as response:
            if method == "GET":
                response.read(READ_AT_MOST)
            return response.status, response.geturl(), redirects.codes, ""
    except urllib.error.HTTPError as error:
        return error.code, error.geturl() or url, redirects.codes, ""
    except TimeoutError:
        return None, url, redirects.codes, f"No answer within {timeout:g} seconds"
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            return None, url, redirects.codes, f"No answer within {timeout:g} seconds"
        return None, url, redirects.codes, f"No answer: {str(reason)[:150]}"
    except (OSError, ValueError, UnicodeError, http.client.HTTPException) as error:
        return None, url, redirects.codes, f"No answer: {str(error)[:150]}"


def _host(url):
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def visit(url, timeout=None):
    """(status, final url, error) for one address: HEAD, then GET if HEAD did not succeed."""
    timeout = timeout or settings.LINK_CHECK_TIMEOUT
    host = _host(url)
    if not settings.LINK_CHECK_PRIVATE_ADDRESSES and _private(host):
        return None, url, "Not checked: the address is on a private network"
    status, final, codes, error = _request(url, "HEAD", timeout)
    if error or status is None or status >= 400:
        status, final, codes, error = _request(url, "GET", timeout)
    if codes and codes[0] in (301, 308) and not error:
        # Moved for good: the page answers, and the link is best updated.
        return status, final, ""
    return status, final if codes else "", error


def is_broken(status, error):
    return bool(error) or (status is not None and status >= 400 and status not in NOT_BROKEN)


def _claim(url, now):
    """Take the address for this run, unless it was visited (or claimed) in the last day."""
    updated = LinkCheck.objects.filter(url=url, checked_at__lt=now - ONCE_A_DAY).update(
        checked_at=now
    )
    if updated:
        return True
    if LinkCheck.objects.filter(url=url).exists():
        return False
    try:
        with transaction.atomic():
            LinkCheck.objects.create(url=url, checked_at=now)
    except IntegrityError:
        return False  # another server claimed it a moment ago
    return True


def _record(url, status, final, error):
    now = timezone.now()
    check = LinkCheck.objects.get(url=url)
    broken = is_broken(status, error)
    check.status_code = status
    check.final_url = final[:500]
    check.error = error[:200]
    check.checked_at = now
    if broken and not check.broken:
        check.broken_since = now
    elif not broken:
        check.broken_since = None
    check.broken = broken
    check.save()
    return check


def check_links(urls=None, workers=None, pause=None, timeout=None):
    """Visit the addresses due a visit; return the LinkCheck records made."""
    workers = workers or settings.LINK_CHECK_WORKERS
    pause = settings.LINK_CHECK_PAUSE if pause is None else pause
    urls = list(published_urls()) if urls is None else urls
    now = timezone.now()
    due = [url for url in urls if len(url) <= 500 and _claim(url, now)]
    by_host = defaultdict(list)
    for url in due:
        by_host[_host(url)].append(url)

    def one_host(host_urls):
        results = []
        for i, url in enumerate(host_urls):
            if i:
                time.sleep(pause)  # one site is never asked for more than one page at a time
            results.append((url, *visit(url, timeout)))
        return results

    visited = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        for results in pool.map(one_host, by_host.values()):
            visited.extend(results)
    # Written here, in this thread: the threads only talk to the other sites.
    return [_record(*result) for result in visited]
