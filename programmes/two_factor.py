"""Two-factor sign-in for every staff account (django-otp), and the lockout message.

Signing in to the admin takes two steps: the password (Django's admin login, throttled
by django-axes), then a six-digit code from an authenticator app (TOTP) or a
single-use recovery code. Until the second step is done the session can reach only
the pages of that step: an editor without an authenticator app is taken to set one
up, and can do nothing else until it works. The admin site itself refuses any
session that has not passed the second step (CatalogueAdminSite.has_permission),
so a page this middleware missed is still closed.

Recovery codes are django-otp's static tokens: each works once; they are shown once,
right after they are made. A superuser resets someone's two-factor sign-in from the
Users list (or `manage.py reset_two_factor USERNAME`): that person sets it up again
at their next sign-in, and any session they have open is sent to set-up.
"""

import datetime
import re
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import logout as auth_logout
from django.db import DatabaseError, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .health import DATABASE, is_outage
from .taking_part import clock_time

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
# The recovery codes just made, kept in the session until the page showing them is seen.
FRESH_CODES_KEY = "two_factor_fresh_recovery_codes"
# ASCII only: str.isdigit() also says yes to other scripts' digits.
APP_CODE = re.compile(r"[0-9]{6}")
RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")  # django-otp's StaticToken.random_token()


def is_verified(user):
    """Whether this session passed the second step (django-otp's OTPMiddleware says)."""
    check = getattr(user, "is_verified", None)
    return bool(user.is_authenticated and callable(check) and check())


# --- the gate ---------------------------------------------------------------------------


def _step_urls():
    return {
        reverse("admin:login"),
        reverse("admin:logout"),
        reverse("admin:two_factor_verify"),
        reverse("admin:two_factor_set_up"),
    }


def _with_next(url, next_url):
    return f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"


def second_factor_required(get_response):
    """Middleware: a signed-in session that has not passed the second step reaches only
    that step under /admin/. Runs after django-otp's OTPMiddleware and messages."""

    def middleware(request):
        admin_root = reverse("admin:index")
        if not request.path.startswith(admin_root):
            return get_response(request)
        # The session and device lookups below are the admin's first database reads,
        # so a database outage meets them first: it gets the editors' 503 page, as
        # DatabaseOutage (programmes/middleware.py) gives the views, and never a 500.
        # Closed, not open: without the database nobody passes the second step.
        if DATABASE.is_down():
            return DATABASE.unavailable(editing=True)
        try:
            second_step = _second_step_redirect(request, admin_root)
        except DatabaseError as error:
            if not is_outage(error):
                raise
            DATABASE.failed(error, request.path)
            return DATABASE.unavailable(editing=True)
        return second_step or get_response(request)

    return middleware


def _second_step_redirect(request, admin_root):
    """Where a staff session that has not passed the second step must go, or None."""
    had_device = DEVICE_ID_SESSION_KEY in request.session
    user = request.user
    if not user.is_authenticated or is_verified(user) or request.path in _step_urls():
        return None
    if had_device:
        # Verified a moment ago, and the device is gone: an administrator reset it.
        messages.warning(
            request,
            "Your two-factor sign-in was reset, so this page was not opened and nothing "
            "was saved. Set it up again to carry on.",
        )
    next_url = request.get_full_path() if request.method == "GET" else admin_root
    step = "admin:two_factor_verify" if user_has_device(user) else "admin:two_factor_set_up"
    return HttpResponseRedirect(_with_next(reverse(step), next_url))


def _next_url(request):
    """Where to go after the second step: the page asked for, if it is on this site."""
    wanted = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("admin:index")


def _staff_signed_in(view):
    """The step's pages: for a staff account signed in with its password; others sign in."""

    def wrapped(request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect(_with_next(reverse("admin:login"), reverse("admin:index")))
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return never_cache(csrf_protect(require_http_methods(["GET", "POST"])(wrapped)))


# --- forms ------------------------------------------------------------------------------


def _normalise(code):
    return "".join(code.split()).replace("-", "").lower()


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        strip=True,
        error_messages={
            "required": "Enter the 6-digit code from your authenticator app.",
            "max_length": "That is too long for a code: enter the 6 digits your app shows.",
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def __init__(self, *args, help_text="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = help_text
        self.fields["code"].widget.attrs["aria-describedby"] = "id_code_helptext"


def _throttled(device):
    """The message for a device that refuses codes for now, or None."""
    allowed, info = device.verify_is_allowed()
    if allowed:
        return None
    until = (info or {}).get("locked_until")
    if until is None:
        return "Too many wrong codes. Wait a minute, then try again."
    seconds = max(1, int((until - timezone.now()).total_seconds() + 0.999))
    return (
        f"Too many wrong codes. Wait {seconds} second{'' if seconds == 1 else 's'} "
        "(each wrong code makes the wait longer), then enter the code your app shows then."
    )


WRONG_CODE = (
    "That code is not right, or it was used already. Enter the code your app shows now: "
    "codes change every 30 seconds, and each works once."
)
WRONG_RECOVERY_CODE = (
    "That is not one of your recovery codes, or it was used already: each works once. "
    "Check it, or use the code from your authenticator app."
)
NOT_A_CODE = (
    "Enter the 6-digit code from your authenticator app, or one of your recovery codes "
    "(8 letters and numbers)."
)


# --- the pages --------------------------------------------------------------------------


def _context(request, **extra):
    from django.contrib import admin

    return {
        **admin.site.each_context(request),
        "next": _next_url(request),
        "next_field": REDIRECT_FIELD_NAME,
        **extra,
    }


@_staff_signed_in
def verify(request):
    """The second step: a code from the authenticator app, or a recovery code."""
    user = request.user
    if is_verified(user):
        return redirect(_next_url(request))
    totp = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    if totp is None and not user_has_device(user):
        return redirect(_with_next(reverse("admin:two_factor_set_up"), _next_url(request)))
    form = CodeForm(
        request.POST or None,
        help_text="The 6 digits your authenticator app shows for LWRS programmes. "
        "Lost your phone? Enter one of your recovery codes instead.",
    )
    if form.is_valid():
        device = _check_code(user, totp, _normalise(form.cleaned_data["code"]), form)
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    f"You used a recovery code: {left} left. Make new ones on your "
                    "“Two-factor sign-in” page if you are running out, and set up your "
                    "authenticator app again if you lost it.",
                )
            return redirect(_next_url(request))
    return render(
        request,
        "admin/two_factor/verify.html",
        _context(request, form=form, title="Enter your code"),
    )


def _check_code(user, totp, code, form):
    """The device that accepts the code, or None with the form's error saying why."""
    if APP_CODE.fullmatch(code) and totp is not None:
        message = _throttled(totp)
        if message is None and totp.verify_token(code):
            return totp
        form.add_error("code", message or WRONG_CODE)
        return None
    recovery = StaticDevice.objects.devices_for_user(user, confirmed=True).first()
    if recovery is not None and RECOVERY_CODE.fullmatch(code):
        message = _throttled(recovery)
        if message is None and recovery.verify_token(code):
            return recovery
        form.add_error("code", message or WRONG_RECOVERY_CODE)
        return None
    form.add_error("code", NOT_A_CODE)
    return None


def qr_code_svg(url):
    """The set-up link as an SVG QR code, drawn on the server: no script, no image file."""
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(scale=4, dark="#000", light="#fff", svgclass="two-factor-qr")
    return svg.replace(
        "<svg ",
        '<svg role="img" aria-label="QR code to scan with your authenticator app" ',
        1,
    )


def _grouped(secret):
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@_staff_signed_in
def set_up(request):
    """Set up an authenticator app: scan the QR code (or type the key), enter a code."""
    user = request.user
    if user_has_device(user):
        # Adding a device needs the second step first: a password alone must not.
        if not is_verified(user):
            return redirect(_with_next(reverse("admin:two_factor_verify"), _next_url(request)))
        return redirect("admin:two_factor_account")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    form = CodeForm(
        request.POST or None,
        help_text="The 6 digits your app shows for LWRS programmes once you have added it.",
    )
    if form.is_valid():
        code = _normalise(form.cleaned_data["code"])
        message = _throttled(device)
        if message is None and APP_CODE.fullmatch(code) and device.verify_token(code):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                _new_recovery_codes(request, user)
            otp_login(request, device)
            messages.success(request, "Two-factor sign-in is set up.")
            return redirect(
                _with_next(reverse("admin:two_factor_recovery_codes"), _next_url(request))
            )
        form.add_error(
            "code",
            message
            or "That code is not right. Check that the app shows LWRS programmes, and enter "
            "the 6 digits it shows now: codes change every 30 seconds.",
        )
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return render(
        request,
        "admin/two_factor/set_up.html",
        _context(
            request,
            form=form,
            title="Set up two-factor sign-in",
            qr_code=qr_code_svg(device.config_url),
            secret=_grouped(secret),
        ),
    )


def _new_recovery_codes(request, user):
    """Replace the user's recovery codes; keep the new ones for one showing."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.OTP_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    request.session[FRESH_CODES_KEY] = codes
    return codes


@_staff_signed_in
def recovery_codes(request):
    """New recovery codes, shown once. Posting makes new ones (the old ones stop working)."""
    if not is_verified(request.user):
        return redirect(_with_next(reverse("admin:two_factor_verify"), request.get_full_path()))
    if request.method == "POST":
        _new_recovery_codes(request, request.user)
        return redirect(request.get_full_path())
    codes = request.session.pop(FRESH_CODES_KEY, None)
    shown = [f"{code[:4]}-{code[4:]}" for code in codes or []]
    return render(
        request,
        "admin/two_factor/recovery_codes.html",
        _context(request, codes=shown, title="Your recovery codes"),
    )


@_staff_signed_in
def account(request):
    """The signed-in person's two-factor sign-in: what is set up, and new recovery codes."""
    if not is_verified(request.user):
        return redirect(_with_next(reverse("admin:two_factor_verify"), request.get_full_path()))
    user = request.user
    authenticator = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    recovery = StaticDevice.objects.devices_for_user(user, confirmed=True).first()
    return render(
        request,
        "admin/two_factor/account.html",
        _context(
            request,
            title="Two-factor sign-in",
            authenticator=authenticator,
            recovery_left=recovery.token_set.count() if recovery else 0,
            recovery_total=settings.OTP_RECOVERY_CODES,
        ),
    )


def reset_devices(users):
    """Remove every two-factor device of these users: each sets it up again at their
    next sign-in, and a session they have open is sent to set-up at its next page."""
    deleted = 0
    for model in (TOTPDevice, StaticDevice):
        deleted += model.objects.filter(user__in=users).delete()[0]
    return deleted


@never_cache
@csrf_protect
@require_http_methods(["POST"])
def sign_out(request):
    auth_logout(request)
    return redirect("admin:login")


# --- the lockout message ----------------------------------------------------------------


def locked_out(request, original_response=None, credentials=None):
    """django-axes' response to a locked sign-in: when to try again, in London time."""
    from axes.helpers import get_cool_off, get_failure_limit

    cool_off = get_cool_off(request) or datetime.timedelta(minutes=30)
    # A try while locked starts the wait again (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT).
    until = timezone.localtime(timezone.now() + cool_off)
    if until.second or until.microsecond:  # the next whole minute: never too early
        until = until.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": round(cool_off.total_seconds() / 60),
        "try_again_at": clock_time(until.time()),
        "try_again_day": "today" if until.date() == timezone.localdate() else "tomorrow",
    }
    return render(
        request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
