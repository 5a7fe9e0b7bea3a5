"""What a worker does with its memory after building the finder's index.

The index is the largest thing a worker keeps (about 23 MB at 10,000
programmes, some 100,000 Python objects), and it lives until the next edit.

- Python's cyclic garbage collector walks every tracked object on each full
  collection: with the index that took 70 to 100 ms at 10,000 programmes, a
  pause for every request the worker's threads were serving (the benchmark's
  p99, issue 19). Once the index is built, everything alive is moved out of the
  collector's way (gc.freeze()). At the next build it is moved back and
  collected (gc.unfreeze()), so the previous index, and whatever cyclic garbage
  was alive at the last freeze, are freed then: nothing is kept for longer than
  one version of the catalogue. Reference counting frees the rest as before.
- Building allocates about 15 MB more than the index keeps. glibc keeps freed
  memory for reuse; malloc_trim() gives back what it can (about 8 MB at
  10,000 programmes). On a C library without it, nothing is done.

Only in web processes (lwrs_site.db.serving(), as gunicorn's workers are): a
full collection of a test run's or a command's heap would cost more than it saves.
"""

import ctypes
import ctypes.util
import gc
from collections.abc import Callable

from lwrs_site.db import is_serving

_LIBC = ctypes.util.find_library("c")
_malloc_trim: Callable[[int], int] | None = getattr(
    ctypes.CDLL(_LIBC) if _LIBC else None, "malloc_trim", None
)


def settle_after_build() -> None:
    """Collect the last index and what died with it, give memory back to the
    system, and leave the new index out of future full collections."""
    if not is_serving():
        return
    gc.unfreeze()
    gc.collect()
    if _malloc_trim is not None:
        _malloc_trim(0)
    gc.freeze()
