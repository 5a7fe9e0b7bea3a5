"""“Preview changes”: a programme's public page as it would look with the form's
unsaved contents, for editors, saving nothing.

The form (with its inlines and tags) is saved exactly as Save would save it, the
public page is rendered from the result, and the transaction is rolled back: the
preview can never differ from what saving gives, and nothing stays, no version,
no new catalogue version, no old address. The page carries a preview banner, is
never cached (`Cache-Control: private, no-store`) and asks search engines not to
index it. The form's “Preview changes” button posts here in a new tab
(formaction/formtarget: no JavaScript needed).
"""

import copy
import inspect

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms.formsets import all_valid
from django.http import Http404, HttpResponseNotAllowed
from django.template.response import TemplateResponse

from . import views


def preview_programme(modeladmin, request, object_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    obj = modeladmin.get_object(request, unquote(object_id))
    if obj is None:
        raise Http404("No such programme")
    if not modeladmin.has_change_permission(request, obj):
        raise PermissionDenied
    with transaction.atomic():
        form = modeladmin.get_form(request, obj, change=True)(request.POST, instance=obj)
        valid = form.is_valid()
        formsets, _ = modeladmin._create_formsets(
            request, form.instance if valid else obj, change=True
        )
        if valid and all_valid(formsets):
            programme = modeladmin.save_form(request, form, change=True)
            modeladmin.save_model(request, programme, form, change=True)
            modeladmin.save_related(request, form, formsets, change=True)
            page_request = copy.copy(request)
            page_request.method = "GET"
            page_request.is_preview = True
            # The page itself, past its decorators: a preview is never cached.
            response = inspect.unwrap(views.programme_detail)(page_request, slug=programme.slug)
        else:
            errors = [
                f"{form.fields[n].label if n in form.fields else 'The form'}: {' '.join(e)}"
                for n, e in form.errors.items()
            ]
            errors += [" ".join(e) for fs in formsets for e in [*fs.non_form_errors()] if e]
            errors += [
                f"{fs.model._meta.verbose_name}: {' '.join(m)}"
                for fs in formsets
                for row in fs.errors
                for m in row.values()
            ]
            response = TemplateResponse(
                request,
                "admin/programmes/programme/preview_errors.html",
                {**modeladmin.admin_site.each_context(request), "errors": errors, "original": obj},
            )
            response.render()
        transaction.set_rollback(True)  # nothing the preview saved stays
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
