"""Checks of a programme's words against the NHS digital service manual's content style,
shown to the editor as warnings after a save. They never stop a save: an editor may
have good reason (a partner's name with "&" in it, a title everyone knows).

- Reading age of the summary and the body: the NHS writes for a reading age of 9 to 11.
- Acronyms used without being explained: the search vocabulary (programmes/finder/
  vocabulary.py) says what many stand for.
- "&" in running text ("and" is easier to read; "A&E" is fine).
- Link text that does not say where it goes ("click here", "more"), and bare web
  addresses in the text.
- Sentences over 25 words.
- Summaries over 300 characters (the catalogue's cards show them whole).

Reading age is the Flesch-Kincaid grade plus 5 (US grade 1 is age 6), with syllables
counted by vowel groups. Why not textstat: since 0.7.9 it downloads the CMU pronouncing
dictionary from the internet at first use, and before that it loads the dictionary
(130,000 words) into each worker: about 70 MB and 3 seconds, for a warning whose aim
is "about age 11", not a syllable-exact score.
"""

import re

READING_AGE_AIM = 11
MIN_WORDS_FOR_READING_AGE = 12  # shorter texts give meaningless scores
LONGEST_SENTENCE = 25
LONGEST_SUMMARY = 300
# Acronyms every member of NHS staff knows, and Roman numerals.
KNOWN_ACRONYMS = frozenset({"NHS", "UK", "GP", "GPS", "A&E", "OK", "ID", "IT", "II", "III", "IV"})
VAGUE_LINK_TEXT = frozenset(
    {
        "click here",
        "click",
        "here",
        "this",
        "link",
        "this link",
        "read more",
        "more",
        "find out more",
        "learn more",
        "more information",
        "this page",
        "website",
        "go",
    }
)

MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")
BARE_URL = re.compile(r"(?<![(<\w])(?:https?://|www\.)[^\s)>\]]+", re.IGNORECASE)
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9’'-]*")
ACRONYM = re.compile(r"(?<![\w&])([A-Z][A-Z0-9&]*[A-Z][A-Z0-9]*)s?(?![\w&])")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+|\n+")
AMPERSAND = re.compile(r"(?<![A-Za-z])&(?![A-Za-z])|\s&|&\s")


def plain_text(markdown):
    """The words a reader reads: link texts kept, addresses, list marks and headings gone."""
    text = MARKDOWN_LINK.sub(lambda m: m.group(1), markdown)
    text = BARE_URL.sub(" ", text)
    text = re.sub(r"^\s*(?:[-*+]|\d+[.)]|#+)\s+", "", text, flags=re.MULTILINE)
    return text.replace("**", "").replace("__", "")


def sentences(text):
    """Sentences, counting each list item and paragraph as one even without a full stop."""
    return [s.strip() for s in SENTENCE_END.split(text) if WORD.search(s)]


def syllables(word):
    word = word.lower().strip("’'-")
    groups = len(re.findall(r"[aeiouy]+", word))
    if groups > 1 and word.endswith("e") and not word.endswith(("le", "ee", "ye")):
        groups -= 1  # a silent e: "make", "inclusive"
    if groups > 1 and re.search(r"[^aeiouytd]ed$|[^aeiouysxzcgh]es$", word):
        groups -= 1  # "helped", "makes"; but "wanted", "changes" keep theirs
    return max(groups, 1)


def reading_age(text):
    """The age a reader needs to be to read `text` easily (Flesch-Kincaid grade + 5),
    or None for a text too short to say."""
    words = WORD.findall(text)
    if len(words) < MIN_WORDS_FOR_READING_AGE:
        return None
    count = max(len(sentences(text)), 1)
    grade = 0.39 * len(words) / count + 11.8 * sum(map(syllables, words)) / len(words) - 15.59
    return max(round(grade + 5), 5)


def _start(sentence, words=8):
    found = sentence.split()
    return " ".join(found[:words]) + ("…" if len(found) > words else "")


def _explained(acronym, text, meanings):
    if re.search(rf"\(\s*{re.escape(acronym)}s?\s*\)", text):  # "Workforce … Standard (WRES)"
        return True
    if re.search(rf"\b{re.escape(acronym)}s?\s*\(", text):  # "WRES (Workforce …)"
        return True
    meaning = meanings.get(acronym)
    return bool(meaning and meaning.casefold() in text.casefold())


def check_programme(programme, meanings, links=()):
    """Warnings about a programme's words, each a sentence saying what to change.
    `meanings` maps acronyms to what they stand for (finder.vocabulary.acronyms());
    `links` are its (label, url) links."""
    warnings = []
    texts = [
        ("summary", programme.summary),
        ("body", programme.body),
        ("“who can take part”", programme.who_can_take_part),
        ("“how to take part”", programme.how_to_take_part),
    ]
    plain = {name: plain_text(text or "") for name, text in texts}

    for name in ("summary", "body"):
        age = reading_age(plain[name])
        if age is not None and age > READING_AGE_AIM:
            warnings.append(
                f"The {name} reads at about age {age}: the NHS writes for a reading age of 9 "
                "to 11. Use shorter sentences and everyday words."
            )

    if len(programme.summary) > LONGEST_SUMMARY:
        warnings.append(
            f"The summary has {len(programme.summary)} characters: keep it to "
            f"{LONGEST_SUMMARY} or fewer, and put more detail in the body."
        )

    for name, text in plain.items():
        for sentence in sentences(text):
            count = len(WORD.findall(sentence))
            if count > LONGEST_SENTENCE:
                warnings.append(
                    f"A sentence in the {name} has {count} words (“{_start(sentence)}”): "
                    f"aim for {LONGEST_SENTENCE} at most, splitting it in two."
                )

    everything = " ".join([programme.title, *plain.values()])
    reported = set()
    for name, text in plain.items():
        for match in ACRONYM.finditer(text):
            acronym = match.group(1)
            if acronym in KNOWN_ACRONYMS or acronym in reported or len(acronym) > 8:
                continue
            if _explained(acronym, everything, meanings):
                continue
            reported.add(acronym)
            meaning = meanings.get(acronym)
            how = (
                f"write “{meaning} ({acronym})” the first time"
                if meaning
                else f"write what it stands for the first time, then “({acronym})”, and add "
                "it to the search vocabulary so pages and searches know it"
            )
            warnings.append(f"“{acronym}” in the {name} is not explained: {how}.")

    for name, text in [*texts, ("title", programme.title)]:
        if text and AMPERSAND.search(plain_text(text)):
            warnings.append(f"The {name} uses “&”: write “and”.")

    link_texts = [(f"the link “{label}”", label) for label, _url in links]
    link_texts += [
        (f"the body’s link “{m.group(1)}”", m.group(1))
        for m in MARKDOWN_LINK.finditer(programme.body)
    ]
    if programme.cta_label:
        link_texts.append(("the call to action", programme.cta_label))
    for where, label in link_texts:
        words = " ".join(label.casefold().strip(" .:!").split())
        if words in VAGUE_LINK_TEXT:
            warnings.append(
                f"{where[0].upper()}{where[1:]} does not say where it goes: use words like "
                "“Read the toolkit (PDF)” or “Register your interest”."
            )
        elif BARE_URL.fullmatch(label.strip()):
            warnings.append(
                f"{where[0].upper()}{where[1:]} is a web address: say where it goes instead, "
                "e.g. “The WRES data on the NHS England website”."
            )
    for name, text in texts:
        without_links = MARKDOWN_LINK.sub(" ", text or "")
        if BARE_URL.search(without_links):
            warnings.append(
                f"The {name} has a bare web address: make it a link with words that say "
                "where it goes, like [Register your interest](https://…)."
            )
    return warnings
