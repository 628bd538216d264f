"""Hand-written SQL for the few hot statements, sent together: the transport of the fast path.

Django's query compiler costs 200–500 µs of CPU for each statement on a small server, more than
the database spends running it, and the case lifecycle runs the same few statements for every
case. So, as Zulip does on its hot paths, those statements are written out by hand (in
``cases/store.py``, the one module that holds them) and sent through public interfaces only:

- reads and writes go through Django's cursor, or on PostgreSQL with server-side binding through
  psycopg's public ``Connection.pipeline()``, several statements in one round trip, prepared by
  psycopg once they ran ``prepare_threshold`` times (a setting);
- rows become model instances through ``Model.from_db`` and fields' ``from_db_value``, as the
  ORM's do; INSERTs and UPDATEs take their values through fields' ``pre_save`` and
  ``get_db_prep_save``, as ``save()`` does.

What this cannot do, it refuses loudly: a model with a generated column, a database default
or a receiver of its save signals is not written here (the ORM would do something these
statements do not); queued writes outside a transaction are an error; a batch that commits
is the transaction's own block, so no write can follow its COMMIT. Everything else uses the
ORM (docs/hot-path.md).
"""

from __future__ import annotations

import datetime
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.db import connections, models, transaction
from django.db.models.fields import AutoFieldMixin
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

Rows = list[tuple]


class Statement:
    """One statement: SQL with Django's placeholders (%s, and %% for a percent sign) and its
    parameters."""

    __slots__ = ("sql", "params")

    def __init__(self, sql: str, params: Sequence = ()):
        self.sql, self.params = sql, list(params)

    def __repr__(self) -> str:
        return f"Statement({self.sql[:60]!r}…, {self.params!r})"


def table(model: type[models.Model]) -> str:
    """A model's table, quoted for a hand-written statement."""
    return f'"{model._meta.db_table}"'


def is_postgresql(using: str = "default") -> bool:
    return connections[using].vendor == "postgresql"


def pipelined(using: str = "default") -> bool:
    """Whether statements can share a round trip here (PostgreSQL with server-side binding)."""
    connection = connections[using]
    return connection.vendor == "postgresql" and bool(connection.settings_dict["OPTIONS"].get("server_side_binding"))


def _log(connection: Any, statements: Sequence[Statement], started: float, how: str) -> None:
    if connection.queries_logged:
        spent = f"{time.monotonic() - started:.3f}"
        for st in statements:
            connection.queries_log.append({"sql": f"{st.sql} -- {st.params!r} ({how})", "time": spent})


_PLACEHOLDER = re.compile(r"%%|%s|%")
_native: dict[str, tuple[str, int]] = {}


def _dollars(st: Statement) -> str:
    """Django's SQL (%s placeholders, %% for a percent sign) in PostgreSQL's own placeholders
    ($1, $2 …), kept per statement text. psycopg converts %s itself, but keeps its conversion
    only for short statements, and the composed writes are long; a RawCursor (psycopg's public
    cursor for native placeholders) takes this text as it is."""
    sql = st.sql
    hit = _native.get(sql)
    if hit is None:
        count = 0

        def place(match: re.Match[str]) -> str:
            nonlocal count
            if match.group() == "%%":
                return "%"
            if match.group() == "%":
                raise ValueError(f"a lone % in {sql[:80]!r}: a percent sign is written %%")
            count += 1
            return f"${count}"
        hit = (_PLACEHOLDER.sub(place, sql), count)
        if len(_native) >= 1000:
            _native.clear()
        _native[sql] = hit
    if hit[1] != len(st.params):
        from psycopg import ProgrammingError
        raise ProgrammingError(f"the query has {hit[1]} placeholders but {len(st.params)} parameters were passed")
    return hit[0]


def _cursor(raw: Any) -> Any:
    from psycopg import RawCursor

    return RawCursor(raw)


def _rows(cursor: Any) -> Rows | None:
    """The rows of the cursor's last statement, or None for a statement that returns none
    (read off its result's status: ``description`` would build a column object per column)."""
    from psycopg import pq

    result = cursor.pgresult
    return cursor.fetchall() if result is not None and result.status == pq.ExecStatus.TUPLES_OK else None


def _in_pipeline(connection: Any, statements: Sequence[Statement], *,
                 commit: bool = False) -> list[Rows | None]:
    """Send the statements together and return each one's rows, or None for one that returns
    none. Several go through psycopg's pipeline (public API): one round trip for all of them; a
    lone one through a plain cursor, the same round trip without the pipeline's own work.

    With ``commit`` the transaction's COMMIT goes in the same round trip, as a statement after
    the others: psycopg's ``commit()`` would sync on its own and again when the pipeline
    closes, a round trip each. psycopg reads the end of the transaction from libpq's status, so
    Django's commit at the end of the caller's block (``batch``, which owns it) has nothing
    left to do; if a statement fails, the COMMIT is not run and the error is raised here."""
    connection.ensure_connection()
    raw = connection.connection
    started = time.monotonic()
    with connection.wrap_database_errors:
        if len(statements) == 1 and not commit:
            with _cursor(raw) as cursor:
                cursor.execute(_dollars(statements[0]), statements[0].params)
                out = [_rows(cursor)]
        else:
            cursors = []
            with raw.pipeline():
                for st in statements:
                    cursor = _cursor(raw)
                    cursor.execute(_dollars(st), st.params)
                    cursors.append(cursor)
                if commit:
                    with _cursor(raw) as cursor:
                        cursor.execute("COMMIT", prepare=False)
            out = [_rows(cursor) for cursor in cursors]
            for cursor in cursors:
                cursor.close()
    _log(connection, statements, started, "one batch")
    return out


def read_together(*statements: Statement, using: str = "default") -> list[Rows]:
    """Run several reads and return each one's rows (the driver's values): in one round trip on
    PostgreSQL with server-side binding, one after another through Django's cursor elsewhere."""
    connection = connections[using]
    if pipelined(using):
        return [rows or [] for rows in _in_pipeline(connection, statements)]
    out = []
    with connection.cursor() as cursor:
        for st in statements:
            cursor.execute(st.sql, st.params)
            out.append(cursor.fetchall())
    return out


def _aware(connection: Any) -> Callable[[Any], Any]:
    """SQLite keeps a datetime as naive text in the connection's time zone: as Django reads it."""
    def convert(value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime.datetime):
            value = parse_datetime(value)
        if settings.USE_TZ and not timezone.is_aware(value):
            value = timezone.make_aware(value, connection.timezone)
        return value
    return convert


def _date(value: Any) -> Any:
    return value if value is None or isinstance(value, datetime.date) else parse_date(value)


def _boolean(value: Any) -> Any:
    return value if value is None else bool(value)


class ModelRows:
    """A model's concrete columns, for a hand-written SELECT that lists them first (``columns``)
    and extra columns after them (``extras``: name and, for a yes/no, ``bool``); ``instances``
    builds the model's instances from the rows as the ORM does: ``from_db``, each field's
    ``from_db_value``, and on SQLite, whose driver returns text and numbers, the conversions of
    dates, times and yes/no that Django's SQLite backend makes (by each field's
    ``get_internal_type``)."""

    def __init__(self, model: type[models.Model], extras: Sequence[tuple[str, Callable | None]] = ()):
        self.model = model
        self.fields = [cast(models.Field, f) for f in model._meta.concrete_fields]
        self.names = [f.attname for f in self.fields]
        self.extras = tuple(extras)
        self._by_vendor: dict[str, list[tuple[int, Callable]]] = {}

    def columns(self, alias: str) -> str:
        return ", ".join(f'{alias}."{f.column}"' for f in self.fields)

    def _converters(self, connection: Any) -> list[tuple[int, Callable]]:
        found = self._by_vendor.get(connection.vendor)
        if found is None:
            found = []
            width = len(self.fields)
            for n, f in enumerate(self.fields):
                kind = f.get_internal_type()
                if connection.vendor == "sqlite":
                    if kind == "DateTimeField":
                        found.append((n, _aware(connection)))
                    elif kind == "DateField":
                        found.append((n, _date))
                    elif kind == "BooleanField":
                        found.append((n, _boolean))
                    elif kind in ("DecimalField", "TimeField", "DurationField", "UUIDField"):
                        raise TypeError(f"{self.model.__name__}.{f.name}: core.sql reads no {kind} on SQLite")
                if hasattr(f, "from_db_value"):
                    found.append((n, lambda v, f=f: f.from_db_value(v, None, connection)))
            found += [(width + k, convert) for k, (_name, convert) in enumerate(self.extras) if convert is not None]
            self._by_vendor[connection.vendor] = found
        return found

    def instances(self, rows: Rows, using: str = "default") -> list:
        connection = connections[using]
        converters = self._converters(connection)
        width = len(self.fields)
        out = []
        for row in rows:
            values = list(row)
            for n, convert in converters:
                values[n] = convert(values[n])
            obj = self.model.from_db(using, self.names, values[:width])
            for (name, _convert), value in zip(self.extras, values[width:], strict=True):
                setattr(obj, name, value)
            out.append(obj)
        return out


# --- writes --------------------------------------------------------------------------------------

class Writes:
    """Writes queued for one transaction and sent together at the end of its block. On
    PostgreSQL with server-side binding: one statement of data-modifying CTEs when that means
    the same (see _composed), else one pipeline; with client-side binding (behind pgbouncer):
    several statements in one simple query; on SQLite one after another, as there are no round
    trips to save. An item is a Statement with a callback for the rows it returns, or (SQLite
    only) a callable that runs its own statements on a cursor."""

    def __init__(self, using: str = "default"):
        self.using = using
        self.items: list[tuple[Statement | Callable, Callable | None]] = []
        self.targets: list[tuple[str, Any]] = []

    def add(self, statement: Statement | Callable, on_rows: Callable | None = None,
            target: tuple[str, Any] | None = None) -> None:
        """Queue a statement; ``target`` names the row an UPDATE changes, (table, pk)."""
        self.items.append((statement, on_rows))
        if target is not None:
            self.targets.append(target)

    def _composed(self, items: list) -> Statement | None:
        """All the writes as one statement of data-modifying CTEs, when that means the same as
        running them in turn: only the last returns rows, and no row is updated twice (in one
        statement only one of two updates of a row would take effect)."""
        if len(items) < 2 or len(set(self.targets)) != len(self.targets):
            return None
        if any(callable(st) or on_rows is not None for st, on_rows in items[:-1]):
            return None
        statements = [cast(Statement, st) for st, _cb in items]
        last = statements[-1].sql
        ctes = ", ".join(f"w{n} AS ({st.sql})" for n, st in enumerate(statements[:-1]))
        tail = f", {last[len('WITH '):]}" if last.startswith("WITH ") else f" {last}"
        return Statement(f"WITH {ctes}{tail}", [p for st in statements for p in st.params])

    def flush(self, *, commit: bool = False) -> None:
        """Send the queued writes; with ``commit`` (only by ``batch``, PostgreSQL with
        server-side binding) the transaction's COMMIT goes in the same pipeline."""
        items, self.items = self.items, []
        connection = connections[self.using]
        if pipelined(self.using) and (items or commit):
            composed = self._composed(items)
            # (callables are SQLite's only: here every item is a Statement)
            batch = [composed] if composed else [cast(Statement, st) for st, _cb in items]
            callbacks = [items[-1][1]] if composed else [on_rows for _st, on_rows in items]
            self.targets = []
            for rows, on_rows in zip(_in_pipeline(connection, batch, commit=commit), callbacks, strict=True):
                if on_rows is not None:
                    on_rows(rows)
            return
        self.targets = []
        if not items:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                statements = [cast(Statement, st) for st, _cb in items]
                cursor.execute("; ".join(st.sql for st in statements), [p for st in statements for p in st.params])
                for n, (_st, on_rows) in enumerate(items):
                    if n:
                        cursor.nextset()
                    if on_rows is not None:
                        on_rows(cursor.fetchall())
                return
            for st, on_rows in items:
                if callable(st):
                    st(cursor)
                    continue
                cursor.execute(st.sql, st.params)
                if on_rows is not None:
                    on_rows(cursor.fetchall())


_local = threading.local()


def _stack() -> list:
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


def current_writes() -> Writes | None:
    stack = _stack()
    return stack[-1] if stack else None


@contextmanager
def _collecting(using: str) -> Iterator[Writes]:
    """Inserts and updates inside the block go to the yielded Writes (sent by the caller)."""
    writes = Writes(using)
    stack = _stack()
    stack.append(writes)
    try:
        yield writes
    finally:
        stack.pop()


@contextmanager
def queued(using: str = "default") -> Iterator[Writes]:
    """``with sql.queued():`` inside a transaction — inserts and updates below are queued and
    sent together when the block ends without an error. Outside a transaction it refuses:
    writes that must land together would not."""
    if not connections[using].in_atomic_block:
        raise transaction.TransactionManagementError("queued writes need a transaction (transaction.atomic)")
    with _collecting(using) as writes:
        yield writes
    writes.flush()


@contextmanager
def batch(using: str = "default") -> Iterator[Writes]:
    """``with sql.batch():`` — a transaction whose inserts and updates are queued and sent
    together at its end. When it is the outermost transaction on PostgreSQL with server-side
    binding, its COMMIT goes in the same round trip (see _in_pipeline); Django's commit at the
    block's end then finds nothing left, and on_commit callbacks run as usual. The block is the
    transaction's own, so nothing can be written after its COMMIT; inside an outer transaction
    it only flushes."""
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        with _collecting(using) as writes:
            yield writes
        writes.flush(commit=outermost and pipelined(using) and not connection.get_rollback())


@contextmanager
def immediate() -> Iterator[None]:
    """``with sql.immediate():`` — writes below run at once, even inside a queued block."""
    stack = _stack()
    stack.append(None)
    try:
        yield
    finally:
        stack.pop()


_checked: dict[type, bool] = {}


def _check_model(model: type[models.Model]) -> None:
    """Refuse a model whose save the hand-written statements would not reproduce."""
    if model in _checked:
        return
    for f in model._meta.concrete_fields:
        if getattr(f, "generated", False) or f.db_default is not models.NOT_PROVIDED:
            raise TypeError(f"{model.__name__}.{f.name} is computed by the database: "
                            "write this model with the ORM, not core.sql")
    if pre_save.has_listeners(model) or post_save.has_listeners(model):
        raise TypeError(f"{model.__name__} has save-signal receivers, which core.sql does not send: "
                        "write it with the ORM or move the receiver's work into the service")
    _checked[model] = True


def _columns(model: type[models.Model], *, insert: bool) -> tuple[models.Field, ...]:
    """INSERT leaves out a generated primary key; UPDATE leaves out the primary key."""
    pk = model._meta.pk
    skip = pk if (not insert or isinstance(pk, AutoFieldMixin)) else None
    return tuple(cast(models.Field, f) for f in model._meta.concrete_fields if f is not skip)


_insert_cache: dict = {}
_update_cache: dict = {}


def _set_pk(obj: Any, using: str) -> Callable:
    def on_rows(rows: list[tuple]) -> None:
        obj.pk = rows[0][0]
        obj._state.adding = False
        obj._state.db = using
    return on_rows


M = TypeVar("M", bound=models.Model)


def insert(obj: M, using: str = "default", need_pk: bool = True) -> M:
    """INSERT one model instance (fields' pre_save and get_db_prep_save applied, as ``save()``
    does) and set its primary key: now, or when the queued writes are sent (with
    ``need_pk=False`` a queued row's key is not read back). A key already set (taken from the
    sequence beforehand) is inserted as it is."""
    connection = connections[using]
    given_pk = obj.pk is not None
    model = type(obj)
    key = (model, connection.vendor, given_pk)
    compiled = _insert_cache.get(key)
    if compiled is None:
        _check_model(model)
        fields = ([cast(models.Field, f) for f in model._meta.concrete_fields] if given_pk
                  else _columns(model, insert=True))
        qn = connection.ops.quote_name
        sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(str(f.column)) for f in fields)}) "
               f"VALUES ({', '.join(['%s'] * len(fields))})")
        compiled = _insert_cache[key] = (sql, f" RETURNING {qn(str(model._meta.pk.column))}", fields)
    sql, returning, fields = compiled
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    writes = current_writes()
    if writes is not None:
        if need_pk:
            writes.add(Statement(sql + returning, params), _set_pk(obj, using))
        else:
            writes.add(Statement(sql, params))
            obj._state.adding, obj._state.db = False, using
        return obj
    with connection.cursor() as cursor:
        cursor.execute(sql + returning, params)
        _set_pk(obj, using)(cursor.fetchall())
    return obj


def update(obj: models.Model, fields: Sequence[str] | None = None, using: str = "default") -> None:
    """UPDATE one model instance by primary key (the named fields, or every concrete field):
    now, or when the queued writes are sent."""
    connection = connections[using]
    model = type(obj)
    names = None if fields is None else tuple(fields)
    if names == ():
        return
    key = (model, names, connection.vendor)
    compiled = _update_cache.get(key)
    if compiled is None:
        _check_model(model)
        columns = (_columns(model, insert=False) if names is None
                   else tuple(cast(models.Field, model._meta.get_field(name)) for name in names))
        qn = connection.ops.quote_name
        sql = (f"UPDATE {qn(model._meta.db_table)} SET {', '.join(f'{qn(str(f.column))} = %s' for f in columns)} "
               f"WHERE {qn(str(model._meta.pk.column))} = %s")
        compiled = _update_cache[key] = (sql, columns)
    sql, columns = compiled
    params = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in columns]
    params.append(obj.pk)
    writes = current_writes()
    if writes is not None:
        writes.add(Statement(sql, params), target=(model._meta.db_table, obj.pk))
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


V = TypeVar("V", bound=Callable[..., Any])


@contextmanager
def keyed_plans() -> Iterator[None]:
    """Reads that all find rows by key (one case by its number, then its steps, events and
    notices by the case): on PostgreSQL with prepared statements, each statement in the block
    may keep one generic plan (plan_cache_mode = auto) instead of being planned again every
    time. The connection's default, force_custom_plan (settings), stays for everything else: a
    list filtered by a person or a department is skewed (30,000 open steps for one reviewer,
    three for another) and one generic plan would read the whole list for the small ones.
    Planning the staff case page's statements cost more than running them: its main query
    plans in 1.1 ms and runs in 0.2 ms (issue 16). The setting lives in a transaction, so the
    block is one, and a row written in it stays locked until it ends: keep a block that writes
    rows others wait for (a shared counter) to those writes and its reads, not a page's drawing
    (cases.lookup.find)."""
    if not is_postgresql() or not settings.DATABASES["default"].get("OPTIONS", {}).get("prepare_threshold"):
        yield
        return
    connection = connections["default"]
    nested = connection.in_atomic_block
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('plan_cache_mode'), set_config('plan_cache_mode', 'auto', true)")
            before = cursor.fetchone()[0]
        yield
        if nested:  # in a caller's transaction the setting would outlive this block (an error's rollback undoes it)
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('plan_cache_mode', %s, true)", [before])


def keyed_reads(view: V) -> V:
    """A page whose reads all find rows by key, read with generic plans (keyed_plans)."""
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with keyed_plans():
            return view(*args, **kwargs)
    return cast(V, wrapped)
