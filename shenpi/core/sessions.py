"""Sessions in the database, as Django's own engine keeps them, read by hand.

Every request of a signed-in person reads their session first. Django's engine reads it
through the ORM, whose query compiler costs more than the database spends on the statement;
this engine reads the same row with one hand-written statement (docs/hot-path.md) and leaves
everything else (saving, expiry, a key that is unknown or has expired) to Django's engine.
Settings: SESSION_ENGINE = "shenpi.core.sessions".
"""

from __future__ import annotations

import re

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.db import connections
from django.utils import timezone

from .sql import Statement, read_together, table

# Django makes session keys of lowercase letters and digits (the column holds 40). A cookie
# can carry anything, a NUL byte included (a quoted cookie value's octal escape), which
# PostgreSQL refuses in a text parameter: such a key is no session, not an error.
_KEY = re.compile(r"[a-z0-9]{1,40}")


class SessionStore(DatabaseStore):
    def __init__(self, session_key=None):
        if session_key is not None and not (isinstance(session_key, str) and _KEY.fullmatch(session_key)):
            session_key = None
        super().__init__(session_key)

    def load(self):
        key = self.session_key
        if key:
            # The time as the field stores it (on SQLite, text in UTC).
            now = self.model._meta.get_field("expire_date").get_db_prep_value(timezone.now(), connections["default"])
            rows = read_together(Statement(
                f"SELECT session_data FROM {table(self.model)} WHERE session_key = %s AND expire_date > %s",
                [key, now]))[0]
            if rows:
                return self.decode(rows[0][0])
        # No such session (or none asked for): Django's own read, which also forgets the key.
        return super().load()
