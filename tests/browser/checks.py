"""Checks run inside the page, each returning a list of problems (empty when all is well).

They read the rendered DOM and computed styles, so they see what a browser user gets.
"""

# Tags axe-core gives to the rules of each WCAG version and level we must meet.
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
SITE_NAME = "LWRS programmes"
# Link texts that say nothing out of context (WCAG 2.4.4, 2.4.9).
VAGUE_LINK_TEXTS = {"click here", "here", "more", "read more", "link", "this page", "this", "go"}

# Elements drawn 1px wide on purpose: NHS.UK's visually hidden text for screen readers.
_JS_IS_VISUALLY_HIDDEN = """
    const isVisuallyHidden = (el) => {
      for (let e = el; e && e !== document.body; e = e.parentElement) {
        const r = e.getBoundingClientRect();
        if (r.width <= 1 && r.height <= 1) return true;
        if (e.classList.contains('nhsuk-u-visually-hidden')) return true;
      }
      return false;
    };
    const describe = (el) => el.tagName.toLowerCase()
      + (el.id ? '#' + el.id : '')
      + (el.className && typeof el.className === 'string'
         ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
      + ' "' + (el.innerText || '').trim().slice(0, 40) + '"';
"""


def headings(page):
    """Visible headings (to people or screen readers) in document order, as (level, text)."""
    return [
        tuple(h)
        for h in page.evaluate(
            """() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6,[role=heading]')]
                .filter(h => h.getClientRects().length && !h.closest('[aria-hidden=true]'))
                .map(h => [Number(h.getAttribute('aria-level') || h.tagName.slice(1)),
                           h.textContent.replace(/\\s+/g, ' ').trim()])"""
        )
    ]


def heading_problems(page):
    found = headings(page)
    problems = []
    h1s = [text for level, text in found if level == 1]
    if len(h1s) != 1:
        problems.append(f"expected one h1, found {len(h1s)}: {h1s}")
    if found and found[0][0] != 1:
        problems.append(f"the first heading is not the h1: {found[0]}")
    for (before, _), (level, text) in zip(found, found[1:], strict=False):
        if level > before + 1:
            problems.append(f"heading level jumps from h{before} to h{level} at {text!r}")
    return problems


def landmark_problems(page):
    counts = page.evaluate(
        """() => {
          // header and footer are page landmarks only outside sectioning content.
          const top = (sel) => [...document.querySelectorAll(sel)]
            .filter(e => !e.parentElement.closest('article,aside,main,nav,section'));
          const navs = [...document.querySelectorAll('nav,[role=navigation]')];
          return {
            banner: top('header,[role=banner]').length,
            main: document.querySelectorAll('main,[role=main]').length,
            contentinfo: top('footer,[role=contentinfo]').length,
            nav: navs.length,
            unnamedNav: navs.filter(n => !n.getAttribute('aria-label')
                                       && !n.getAttribute('aria-labelledby')).length,
            search: document.querySelectorAll('search,[role=search]').length,
          };
        }"""
    )
    problems = [
        f"expected one {name} landmark, found {counts[name]}"
        for name in ("banner", "main", "contentinfo")
        if counts[name] != 1
    ]
    if counts["nav"] < 1:
        problems.append("no navigation landmark")
    if counts["nav"] > 1 and counts["unnamedNav"]:
        problems.append(f"{counts['unnamedNav']} of {counts['nav']} nav landmarks have no name")
    if counts["search"] < 1:
        problems.append("no search landmark")
    return problems


def title_and_language_problems(page):
    problems = []
    title = page.title()
    topic = title.removesuffix(f" - {SITE_NAME}")
    if topic == title or not topic.strip() or topic.strip() == SITE_NAME:
        problems.append(f"title {title!r} is not '<what this page is> - {SITE_NAME}'")
    lang = page.evaluate("() => document.documentElement.lang")
    if lang != "en-GB":
        problems.append(f'<html lang="{lang}">, expected en-GB')
    return problems


def template_leak_problems(page):
    """Template syntax shown to visitors, e.g. a Django comment split over lines."""
    text = page.locator("body").inner_text()
    return [
        f"template syntax on the page: {t!r}"
        for t in ("{#", "#}", "{%", "%}", "{{", "}}")
        if t in text
    ]


def link_text_problems(page):
    """Every link names where it goes; one name never leads to two places."""
    links = page.evaluate(
        """() => [...document.querySelectorAll('a[href]')]
            .filter(a => a.getClientRects().length)
            .map(a => [(a.getAttribute('aria-label') || a.textContent).replace(/\\s+/g, ' ').trim(),
                       a.href])"""
    )
    problems = []
    destinations = {}
    for name, href in links:
        if not name:
            problems.append(f"link to {href} has no text")
        elif name.lower().strip(" .") in VAGUE_LINK_TEXTS:
            problems.append(f"link text {name!r} (to {href}) makes no sense out of context")
        destinations.setdefault(name.lower(), set()).add(href)
    for name, hrefs in destinations.items():
        if len(hrefs) > 1:
            problems.append(f"link text {name!r} leads to {len(hrefs)} places: {sorted(hrefs)}")
    return problems


def horizontal_overflow(page):
    """What sticks out sideways and would make the page scroll horizontally."""
    return page.evaluate(
        "() => {"
        + _JS_IS_VISUALLY_HIDDEN
        + """
          const width = document.documentElement.clientWidth;
          const scroll = document.documentElement.scrollWidth;
          if (scroll <= width) return [];
          const culprits = [...document.body.querySelectorAll('*')]
            .filter(el => el.getBoundingClientRect().right > width + 1 && !isVisuallyHidden(el))
            .slice(0, 5).map(describe);
          return [`page is ${scroll}px wide in a ${width}px viewport: ${culprits.join('; ')}`];
        }"""
    )


def clipped_content(page):
    """Boxes that hide part of their own content (overflow hidden or clip)."""
    return page.evaluate(
        "() => {"
        + _JS_IS_VISUALLY_HIDDEN
        + """
          return [...document.body.querySelectorAll('*')].filter(el => {
            const s = getComputedStyle(el);
            const clips = (v) => v === 'hidden' || v === 'clip';
            if (!clips(s.overflowX) && !clips(s.overflowY)) return false;
            if (!el.getClientRects().length || isVisuallyHidden(el)) return false;
            // A text box scrolls what is typed in it (a long search): not cut off.
            if (el.matches('input, textarea')) return false;
            return (clips(s.overflowX) && el.scrollWidth > el.clientWidth + 1)
                || (clips(s.overflowY) && el.scrollHeight > el.clientHeight + 1);
          }).map(el => 'content cut off in ' + describe(el));
        }"""
    )


def focusables(page):
    """How many elements a keyboard user can reach with Tab."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
                'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]')]
            // checkVisibility: not inside a folded details (its content is skipped).
            .filter(el => el.tabIndex >= 0 && !el.disabled && el.getClientRects().length
                          && el.checkVisibility()).length"""
    )


def remember_unfocused_look(page):
    """Record how every focusable element looks before focus, to compare once focused."""
    page.evaluate(
        """() => {
          const look = (el) => {
            // Where NHS.UK draws the focus style: the element, its label (checkboxes),
            // its text (details summary), its parent or its card.
            const parts = [el, ...(el.labels || []), ...[...el.children].slice(0, 2),
                           el.parentElement, el.closest('.nhsuk-card')].filter(Boolean);
            const props = ['outline-style', 'outline-width', 'outline-color', 'box-shadow',
                           'background-color', 'color', 'text-decoration-line', 'border-color'];
            const out = [];
            for (const part of parts) {
              for (const pseudo of [null, '::before', '::after']) {
                const s = getComputedStyle(part, pseudo);
                out.push(props.map(p => s.getPropertyValue(p)).join('|'));
              }
            }
            return out.join('\\n');
          };
          window.__a11yLook = look;
          window.__a11yUnfocused = new Map(
            [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
              .map(el => [el, look(el)]));
        }"""
    )


def focused_element_problems(page):
    """The focused element must look different from how it looked unfocused (WCAG 2.4.7)."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          if (!el || el === document.body) return ['nothing has focus'];
          const before = window.__a11yUnfocused && window.__a11yUnfocused.get(el);
          if (before === undefined) return [];  // added after the page loaded
          if (window.__a11yLook(el) === before) {
            return ['no visible focus indicator on ' + el.outerHTML.slice(0, 120)];
          }
          const r = el.getBoundingClientRect();
          const inView = r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
          return inView ? [] : ['focused element is off screen: ' + el.outerHTML.slice(0, 120)];
        }"""
    )


def active_element(page):
    """The focused element, described: tag, id, name, type, class and text."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name') || '',
                  type: el.getAttribute('type') || '', className: el.className || '',
                  text: (el.innerText || el.value || '').trim().slice(0, 80),
                  href: el.getAttribute('href') || ''};
        }"""
    )
