"""Security headers scored as the MDN HTTP Observatory scores them (see docs/testing-recipes.md).

Start at 100 and subtract penalties; bonuses count only when the score is at
least 90. Where docs/testing-recipes.md and the Observatory differ, the stricter reading is
used: the CSP bonus is +10 with `default-src 'none'` *or* +5 without unsafe
sources, never both (the Observatory scores each test once), so the best
possible score without cookies is 130.
"""

STRICT_REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}
UNSAFE_REFERRER_POLICIES = {
    "unsafe-url",
    "no-referrer-when-downgrade",
    "origin",
    "origin-when-cross-origin",
}
UNSAFE_SCRIPT_SOURCES = {"'unsafe-inline'", "data:", "https:", "http:", "*"}
SIX_MONTHS = 15768000


def parse_csp(header):
    directives = {}
    for part in (header or "").split(";"):
        words = part.split()
        if words:
            directives.setdefault(words[0].lower(), words[1:])
    return directives


def score(response):
    """(score, reasons) for a Django test response: headers and the cookies it sets."""
    total, bonus, reasons = 100, 0, []

    def penalty(points, why):
        nonlocal total
        total -= points
        reasons.append(f"-{points} {why}")

    csp = parse_csp(response.get("Content-Security-Policy"))
    if not csp:
        penalty(25, "no content security policy")
    else:
        script = csp.get("script-src", csp.get("default-src", ["*"]))
        if UNSAFE_SCRIPT_SOURCES & set(script):
            penalty(20, f"unsafe script-src {script}")
        elif "'unsafe-eval'" in script:
            penalty(10, "unsafe-eval in script-src")
        elif csp.get("default-src") == ["'none'"]:
            bonus += 10
        else:
            bonus += 5

    hsts = response.get("Strict-Transport-Security", "")
    max_age = [int(p.split("=")[1]) for p in hsts.split(";") if p.strip().startswith("max-age=")]
    if not max_age:
        penalty(20, "no HSTS")
    elif max_age[0] < SIX_MONTHS:
        penalty(10, "HSTS under six months")

    if "frame-ancestors" in csp:
        bonus += 5
    elif response.get("X-Frame-Options", "").upper() not in {"DENY", "SAMEORIGIN"}:
        penalty(20, "no frame protection")

    if response.get("X-Content-Type-Options", "").lower() != "nosniff":
        penalty(5, "no nosniff")

    referrer = response.get("Referrer-Policy", "")
    policies = {p.strip().lower() for p in referrer.split(",") if p.strip()}
    if policies and policies <= STRICT_REFERRER_POLICIES:
        bonus += 5
    elif policies & UNSAFE_REFERRER_POLICIES:
        penalty(5, "unsafe Referrer-Policy")

    if response.get("Cross-Origin-Resource-Policy", "") in {"same-origin", "same-site"}:
        bonus += 10

    cookies = response.cookies
    for name, morsel in cookies.items():
        lower = name.lower()
        if "session" in lower:
            if not morsel["secure"]:
                penalty(40, f"session cookie {name} without Secure")
            if not morsel["httponly"]:
                penalty(30, f"session cookie {name} without HttpOnly")
        elif not morsel["secure"]:
            penalty(20, f"cookie {name} without Secure")
        if "csrf" in lower and not morsel["samesite"]:
            penalty(20, f"CSRF cookie {name} without SameSite")
    if cookies and all(m["secure"] and m["samesite"] for m in cookies.values()):
        bonus += 5

    if total >= 90:
        total += bonus
    return total, reasons
