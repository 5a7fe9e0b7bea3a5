"""Our templates without their indentation.

Indentation is for the people who read templates; in a page it is only bytes to
send (the catalogue of the 12 documented programmes: about a tenth of its HTML).
This loader removes the whitespace that starts each line of a template in
templates/ when the template is loaded, once per process (the cached loader
keeps the result). Browsers treat any run of whitespace between words and tags
as one space, so pages look and read the same. That does not hold inside
<pre> and <textarea>: none of our templates has one, and a test keeps it so.
Content from the database (a programme's Markdown, which may hold <pre>) is
a variable, never template source, so it is left as it is.
"""

import re

from django.template.loaders.filesystem import Loader as FilesystemLoader

# Spaces and tabs only: lines stay where they are, so error messages still give
# the right line number.
LINE_INDENTATION = re.compile(r"^[ \t]+", re.MULTILINE)


class Loader(FilesystemLoader):
    def get_contents(self, origin):
        return LINE_INDENTATION.sub("", super().get_contents(origin))
