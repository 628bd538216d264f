"""The signed-in person, read by hand in one statement (docs/hot-path.md).

Every page and API call of a signed-in person starts by loading them: the user, their staff
record and window (the header, who may see what) and their roles (the groups). Through the ORM
that was two or three statements, each costing more in Django's query compiler than in the
database. Here it is one hand-written statement, sent through ``core.sql`` (public interfaces
of Django and psycopg only); ``signed_in_queryset`` and ``roles_queryset`` beside it say the
same through the ORM, and tests/org/test_store.py holds the two equal on the same data.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connections
from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from shenpi.core.sql import ModelRows, Statement, read_together, table

from .models import Centre, Staff, Window
from .roles import remember_roles

# Role codes never hold it; it keeps the group names apart in one column.
_SEPARATOR = "\x1f"


def signed_in_queryset(user_id: int) -> QuerySet:
    """The user with their staff record, its window and the window's centre, as the ORM reads
    them."""
    return get_user_model().objects.select_related("staff__window__centre").filter(pk=user_id)


def roles_queryset(user_id: int) -> QuerySet:
    return Group.objects.filter(user__pk=user_id).values_list("name", flat=True)


@cache
def _rows() -> tuple[ModelRows, ModelRows, ModelRows, ModelRows]:
    return ModelRows(get_user_model()), ModelRows(Staff), ModelRows(Window), ModelRows(Centre)


@cache
def _tokens() -> ModelRows:
    from knox.models import get_token_model
    return ModelRows(get_token_model())


@cache
def _sql(vendor: str, by_token: bool = False) -> str:
    """The person (from `u`) with staff record, window, centre and roles; by user id, or, by a
    token's key, each of the API tokens with that key followed by its owner."""
    users, staff, windows, centres = _rows()
    user_model = get_user_model()
    through = table(user_model.groups.through)
    joined = "string_agg(g.name, %s)" if vendor == "postgresql" else "group_concat(g.name, %s)"
    if by_token:
        tokens = _tokens()
        lead = f"{tokens.columns('t')}, "
        source = f"{table(tokens.model)} t JOIN {table(user_model)} u ON u.id = t.user_id"
        where = "t.token_key = %s"
    else:
        lead, source, where = "", f"{table(user_model)} u", "u.id = %s"
    return (
        f"SELECT {lead}{users.columns('u')}, {staff.columns('s')}, {windows.columns('w')}, {centres.columns('ce')}, "
        f"(SELECT {joined} FROM {table(Group)} g JOIN {through} ug ON ug.group_id = g.id WHERE ug.user_id = u.id) "
        f"FROM {source} LEFT JOIN {table(Staff)} s ON s.user_id = u.id "
        f"LEFT JOIN {table(Window)} w ON w.id = s.window_id LEFT JOIN {table(Centre)} ce ON ce.id = w.centre_id "
        f"WHERE {where}")


def signed_in(user_id: int) -> Any | None:
    """The user with this id, their staff record, window and its centre in place (or known to
    be none, without a read) and their roles remembered; None if there is no such user."""
    rows = read_together(Statement(_sql(connections["default"].vendor), [_SEPARATOR, user_id]))[0]
    return _person(rows[0]) if rows else None


def tokens_with_key(key: str) -> list[Any]:
    """The API tokens whose key (the token's first characters) is this one, each with its owner
    in place as `signed_in` gives them: one statement for what knox reads in three or more.
    (tests/org/test_store.py holds it equal to the ORM's.)"""
    rows = read_together(Statement(_sql(connections["default"].vendor, by_token=True), [_SEPARATOR, key]))[0]
    tokens = _tokens()
    width = len(tokens.fields)
    out = []
    for row in rows:
        token = tokens.instances([row[:width]])[0]
        token.user = _person(row[width:])
        out.append(token)
    return out


def _person(row: tuple) -> Any:
    users, staff_rows, windows, centres = _rows()
    u, s, w = len(users.fields), len(staff_rows.fields), len(windows.fields)
    user = users.instances([row[:u]])[0]
    if row[u] is None:
        # No staff record (an applicant): say so through the ORM's own prefetch, which with an
        # empty queryset reads nothing, so `user.staff` raises at once instead of asking again.
        prefetch_related_objects([user], Prefetch("staff", queryset=Staff.objects.none()))
    else:
        staff = staff_rows.instances([row[u:u + s]])[0]
        window = None
        if row[u + s] is not None:
            window = windows.instances([row[u + s:u + s + w]])[0]
            window.centre = centres.instances([row[u + s + w:-1]])[0]
        staff.window = window
        user.staff = staff
    remember_roles(user, {name for name in (row[-1] or "").split(_SEPARATOR) if name})
    return user
