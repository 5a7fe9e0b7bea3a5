"""An editor's change made from another process, as the admin on another server would.

    DATABASE_URL=... DJANGO_SETTINGS_MODULE=bench.settings python -m bench.edit SLUG "New title"

The benchmark then asks every gunicorn worker for the page: each must show the
new title at once, whatever it had cached. Prints the wall-clock time the change
was committed, for the benchmark to measure how soon each answer shows it.
"""

import sys
import time


def main(argv=None):
    import django

    slug, title = sys.argv[1:] if argv is None else argv
    django.setup()
    from programmes.models import Programme

    programme = Programme.objects.get(slug=slug)
    programme.title = title
    programme.save()  # autocommit: committed when save() returns
    print(time.time())


if __name__ == "__main__":
    main()
