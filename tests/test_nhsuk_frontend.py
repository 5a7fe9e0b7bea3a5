"""The NHS.UK frontend the site ships has what its pages use, and no more than it can afford.

static/vendor/refresh-nhsuk-frontend.sh builds static/vendor/nhsuk-frontend/ from
the list in static/vendor/nhsuk-frontend.scss, keeping only the CSS rules for the
classes the site names. So a template that starts using an NHS.UK class (or a
component) the last build did not keep would be unstyled: these tests fail first,
and say what to do (add the component to the list if it is missing, run the script).
"""

import gzip
import json
import re
from pathlib import Path

import brotli
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"
SCRIPTS = ROOT / "static" / "js"
BUILD = ROOT / "static" / "vendor" / "nhsuk-frontend"
CSS = BUILD / "nhsuk-frontend.min.css"
JS = BUILD / "nhsuk-frontend.min.js"
SITE_CSS = ROOT / "static" / "css" / "site.css"

# Issue 18: all the CSS a page loads, compressed as whitenoise sends it.
CSS_BUDGET = 12 * 1024

# nhsuk- classes the templates use that no NHS.UK rule styles, on purpose.
UNSTYLED = {
    "nhsuk-header__navigation-item--current": (
        "NHS.UK's header markup names the current page's item; the style comes from "
        "aria-current on its link"
    ),
    "nhsuk-icon--arrow-left": "names the icon in NHS.UK's markup; .nhsuk-icon styles every icon",
    "nhsuk-icon--arrow-right": "names the icon in NHS.UK's markup; .nhsuk-icon styles every icon",
    "nhsuk-icon--arrow-right-circle": (
        "names the icon in NHS.UK's markup; .nhsuk-icon and the action link style it"
    ),
}

HOW_TO_FIX = (
    "add the component to static/vendor/nhsuk-frontend.scss if it is not listed, then run "
    "static/vendor/refresh-nhsuk-frontend.sh (it keeps the rules of every class the "
    "templates name)"
)

CLASS_ATTRIBUTE = re.compile(r"""\bclass=(?:"([^"]*)"|'([^']*)')""")
TEMPLATE_TAG = re.compile(r"{%.*?%}")
VARIABLE = re.compile(r"{{\s*(\w+)\s*}}")  # {{ colour }}; filters are not expanded


def template_classes(sources):
    """{class: [where]} for each nhsuk- class in the class attributes of `sources`
    ({name: template text}). A class made from a variable (nhsuk-tag--{{ colour }})
    counts once for each value the templates pass for it (colour="white")."""
    passed = {}
    for text in sources.values():
        for name, value in re.findall(r"""\b(\w+)=["']([\w-]+)["']""", text):
            passed.setdefault(name, set()).add(value)
    found = {}
    for where, text in sources.items():
        for double, single in CLASS_ATTRIBUTE.findall(text):
            attribute = VARIABLE.sub(r"{{\1}}", TEMPLATE_TAG.sub(" ", double or single))
            for token in attribute.split():
                variable = VARIABLE.search(token)
                values = sorted(passed.get(variable[1], ())) if variable else []
                names = [VARIABLE.sub(value, token) for value in values] or [token]
                for name in names:
                    # A class made in a way this cannot follow counts as it is written,
                    # so it is reported rather than skipped.
                    if name.startswith("nhsuk-"):
                        found.setdefault(name, []).append(where)
    return found


def script_classes(sources):
    """{class: [where]} for each nhsuk- class our scripts put on elements
    (classList.add/toggle/replace, className =, className +=)."""
    found = {}
    for where, text in sources.items():
        setting = re.findall(r"classList\.(?:add|toggle|replace)\(([^)]*)\)", text)
        setting += re.findall(r"className\s*\+?=([^;]*);", text, flags=re.S)
        for code in setting:
            for literal in re.findall(r"""["'`]([^"'`]*)["'`]""", code):
                for name in literal.split():
                    if re.fullmatch(r"nhsuk-[\w-]+", name):
                        found.setdefault(name, []).append(where)
    return found


def stylesheet_classes(css):
    """Every class a rule of `css` names (a plain parse: strings and url()s left out)."""
    css = re.sub(r"""url\([^)]*\)|"[^"]*"|'[^']*'""", "", css)
    return set(re.findall(r"\.(-?[_a-zA-Z][\w-]*)", css))


def unstyled(used, css):
    return {name: where for name, where in used.items() if name not in stylesheet_classes(css)}


def read(folder, *patterns):
    return {
        str(path.relative_to(ROOT)): path.read_text()
        for pattern in patterns
        for path in sorted(folder.rglob(pattern))
    }


def test_every_nhsuk_class_the_templates_and_scripts_use_is_in_the_stylesheet():
    used = template_classes(read(TEMPLATES, "*.html"))
    for name, where in script_classes(read(SCRIPTS, "*.js", "*.mjs")).items():
        used.setdefault(name, []).extend(where)
    assert len(used) > 50  # the parse finds the classes (the header alone has 15)
    missing = {
        name: where
        for name, where in unstyled(used, CSS.read_text()).items()
        if name not in UNSTYLED
    }
    assert not missing, f"No NHS.UK styles for {missing}: {HOW_TO_FIX}"


def test_the_check_finds_a_component_left_out():
    """What the check above does when a template uses a component the build left out
    (tabs), a tag colour that no rule has, and a class made in a way it cannot follow."""
    css = ".nhsuk-tag{} .nhsuk-tag--white{} .nhsuk-card{} a.nhsuk-card__link:hover{}"
    page = {
        "page.html": (
            '<div class="nhsuk-card"><a class="nhsuk-card__link" href="/">x</a></div>'
            '<div class="nhsuk-tabs" data-module="nhsuk-tabs">'
            "<ul class='nhsuk-tabs__list'></ul></div>"
            '{% include "tag.html" with colour="mauve" %}{% include "tag.html" with colour="white" %}'
        ),
        "tag.html": '<strong class="nhsuk-tag{% if colour %} nhsuk-tag--{{ colour }}{% endif %}">',
        "size.html": "<p class=\"nhsuk-body-{{ size|default:'m' }}\">",
    }
    assert unstyled(template_classes(page), css) == {
        "nhsuk-tabs": ["page.html"],
        "nhsuk-tabs__list": ["page.html"],
        "nhsuk-tag--mauve": ["tag.html"],
        "nhsuk-body-{{": ["size.html"],  # not followed, so reported
    }
    script = {"x.js": 'el.classList.add("nhsuk-tabs__panel--hidden"); b.className += " js"'}
    assert script_classes(script) == {"nhsuk-tabs__panel--hidden": ["x.js"]}


def test_the_unstyled_classes_are_still_used_and_still_unstyled():
    """So the list of exceptions above does not outlive its reasons."""
    used = template_classes(read(TEMPLATES, "*.html"))
    styled = stylesheet_classes(CSS.read_text())
    for name in UNSTYLED:
        assert name in used, f"{name} is no longer used: drop it from UNSTYLED"
        assert name not in styled, f"{name} is styled now: drop it from UNSTYLED"


def test_every_component_script_the_templates_ask_for_is_bundled():
    """data-module="nhsuk-header" is started only if the header's script is in the bundle."""
    asked = set()
    for text in read(TEMPLATES, "*.html").values():
        asked.update(re.findall(r'data-module="(nhsuk-[\w-]+)"', text))
    assert {"nhsuk-header", "nhsuk-skip-link"} <= asked
    bundled = set(re.findall(r'moduleName="(nhsuk-[\w-]+)"', JS.read_text()))
    assert asked <= bundled, f"Not bundled: {asked - bundled}: {HOW_TO_FIX}"


def test_the_build_is_of_the_version_the_setting_names():
    built = json.loads((BUILD / "package.json").read_text())
    assert built["name"] == "nhsuk-frontend"
    assert built["version"] == settings.NHSUK_FRONTEND_VERSION, (
        "static/vendor/nhsuk-frontend/ was built from another version: run "
        "static/vendor/refresh-nhsuk-frontend.sh"
    )
    assert (BUILD / "LICENSE.txt").read_text().startswith("The MIT License")


def test_the_stylesheets_fit_the_budget_and_ask_no_other_origin():
    css = CSS.read_bytes() + SITE_CSS.read_bytes()
    assert len(brotli.compress(css)) <= CSS_BUDGET  # what every current browser is sent
    assert len(gzip.compress(css, 9)) <= CSS_BUDGET + 1024
    # No web font, nothing from another origin: nothing to wait for, nothing to reflow.
    text = css.decode("utf-8-sig")
    assert "@font-face" not in text
    assert "@import" not in text
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", text)
