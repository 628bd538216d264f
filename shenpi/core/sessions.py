"""Sessions in the database, as Django's own engine keeps them, read by hand.

Every request of a signed-in person reads their session first. Django's engine reads it
through the ORM, whose query compiler costs more than the database spends on the statement;
this engine reads the same row with one hand-written statement (docs/hot-path.md) and leaves
everything else (saving, expiry, a key that is unknown or has expired) to Django's engine.
Settings: SESSION_ENGINE = "shenpi.core.sessions".
"""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.db import connections
from django.utils import timezone

from .sql import Statement, read_together


class SessionStore(DatabaseStore):
    def load(self):
        key = self.session_key
        if key:
            meta = self.model._meta
            # The time as the field stores it (on SQLite, text in UTC).
            now = meta.get_field("expire_date").get_db_prep_value(timezone.now(), connections["default"])
            rows = read_together(Statement(
                f'SELECT session_data FROM "{meta.db_table}" WHERE session_key = %s AND expire_date > %s',
                [key, now]))[0]
            if rows:
                return self.decode(rows[0][0])
        # No such session (or none asked for): Django's own read, which also forgets the key.
        return super().load()
