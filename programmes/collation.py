"""A to Z as readers expect it, the same on every database."""

import unicodedata


def a_to_z(text):
    """Sort key for names and titles: case and accents aside, so that "Équipe"
    comes among the E's, not after Z (as byte order would put it), then the
    casefolded text itself to keep the order total."""
    folded = text.casefold()
    if folded.isascii():
        return folded, folded
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c)
    )
    return plain, folded
