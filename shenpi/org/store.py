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
def person_rows() -> dict[str, ModelRows]:
    """The columns of a person's rows in a hand-written statement: user, staff, window, centre
    (the case page's reads list them too, cases.page_reads)."""
    return {"user": ModelRows(get_user_model()), "staff": ModelRows(Staff), "window": ModelRows(Window),
            "centre": ModelRows(Centre)}


def one(rows: ModelRows, values: tuple) -> Any:
    """The instance of these columns, or None where a LEFT JOIN found no row (its key is null)."""
    return None if values[0] is None else rows.instances([values])[0]


class People:
    """Users built from a hand-written statement's rows, each with their staff record (and, if
    read, its window and the window's centre) in place, or known to have none: `settle()` marks
    those through the ORM's own prefetch with an empty queryset, which reads nothing, so
    `user.staff` raises at once instead of asking the database again."""

    def __init__(self) -> None:
        self.without_staff: list[Any] = []

    def user(self, user_values: tuple, staff_values: tuple, window_values: tuple | None = None,
             centre_values: tuple | None = None) -> Any:
        rows = person_rows()
        user = one(rows["user"], user_values)
        if user is None:
            return None
        staff = one(rows["staff"], staff_values)
        if staff is None:
            self.without_staff.append(user)
            return user
        if window_values is not None:  # read with the staff record (else left to the ORM)
            window = one(rows["window"], window_values)
            if window is not None and centre_values is not None:
                window.centre = one(rows["centre"], centre_values)
            staff.window = window
        user.staff = staff
        return user

    def settle(self) -> None:
        if self.without_staff:
            prefetch_related_objects(self.without_staff, Prefetch("staff", queryset=Staff.objects.none()))


@cache
def _tokens() -> ModelRows:
    from knox.models import get_token_model
    return ModelRows(get_token_model())


@cache
def _sql(vendor: str, by_token: bool = False) -> str:
    """The person (from `u`) with staff record, window, centre and roles; by user id, or, by a
    token's key, each of the API tokens with that key followed by its owner."""
    rows = person_rows()
    users, staff, windows, centres = rows["user"], rows["staff"], rows["window"], rows["centre"]
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
    if not rows:
        return None
    people = People()
    user = _person(people, rows[0])
    people.settle()
    return user


def tokens_with_key(key: str) -> list[Any]:
    """The API tokens whose key (the token's first characters) is this one, each with its owner
    in place as `signed_in` gives them: one statement for what knox reads in three or more.
    (tests/org/test_store.py holds it equal to the ORM's.)"""
    rows = read_together(Statement(_sql(connections["default"].vendor, by_token=True), [_SEPARATOR, key]))[0]
    tokens, people = _tokens(), People()
    width = len(tokens.fields)
    out = []
    for row in rows:
        token = tokens.instances([row[:width]])[0]
        token.user = _person(people, row[width:])
        out.append(token)
    people.settle()
    return out


def _person(people: People, row: tuple) -> Any:
    """The person of a row of `_sql`: user, staff, window and centre columns, then the roles."""
    rows = person_rows()
    u, s, w = (len(rows[kind].fields) for kind in ("user", "staff", "window"))
    user = people.user(row[:u], row[u:u + s], row[u + s:u + s + w], row[u + s + w:-1])
    remember_roles(user, {name for name in (row[-1] or "").split(_SEPARATOR) if name})
    return user
