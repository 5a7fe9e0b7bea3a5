"""Restoring a backup (or loading a fixture) gives back the rows it holds, nothing more.

`loaddata` saves each row raw, then sets its many-to-many relations (a
programme's audiences and contacts). django-simple-history records those
relation changes as fresh edits, dated now and made by nobody, so a restore
would grow the edit history. Rows being loaded raw are marked so it does not.
"""

from django.db.models.signals import pre_save
from django.dispatch import receiver


@receiver(pre_save, dispatch_uid="programmes.backups.loaded_rows_make_no_history")
def loaded_rows_make_no_history(sender, instance, raw=False, **kwargs):
    if raw:
        # simple_history skips any instance carrying this attribute. It lives on
        # the object loaddata builds for this one row, which is thrown away after.
        instance.skip_history_when_saving = True
