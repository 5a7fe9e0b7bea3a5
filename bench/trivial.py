"""The benchmark's baseline: a view that does nothing, behind the site's whole middleware stack.

Not /healthz: that one queries the database, and the baseline should measure
only what every request pays (WSGI, gunicorn, middleware, headers), so that a
page's ratio to it shows the page's own cost.
"""

from django.http import HttpResponse
from django.views.decorators.http import require_safe

BODY = "<!DOCTYPE html>\n<html lang=en><title>ok</title><p>ok</p></html>\n"


@require_safe
def trivial(request):
    return HttpResponse(BODY)
