"""Backup and restore of the whole product: the database and the media files, consistent with each
other, in one archive (`manage.py backup_data`, `manage.py restore_data`; see README).

The archive is a .tar.gz holding
- `database.dump` (PostgreSQL, pg_dump custom format) or `database.sqlite3` (SQLite online backup),
  taken in one snapshot;
- `media/…`, every file under MEDIA_ROOT, copied after the snapshot (files are only added, so the copy
  holds at least every file the snapshot refers to);
- `manifest.json`: when, which database, the migrations applied, each table's row count, the SHA-256
  of the dump and of every media file, and the files the snapshot refers to.
"""


class BackupError(Exception):
    """A backup or restore refused or failed; the message is shown to the operator as it is."""
