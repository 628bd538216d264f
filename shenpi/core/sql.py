"""Statements compiled once per process, for the hot write path of the case lifecycle.

Django's query compiler costs 200–500 µs of CPU for each statement on a small server, more
than the database spends running it; the lifecycle runs the same few statements for every
case. Here a queryset (or a model's INSERT and UPDATE) is compiled once, and later calls only
bind new values: the same SQL Django would send, the same field conversions on the way in and
out, models built with ``Model.from_db`` as the ORM does. No signals are sent (none are
connected to these models). Everything else keeps using the ORM (design.md, "Departures").
"""

import re
import threading
import time
import weakref

from django.db import connections
from django.db.models.fields import AutoFieldMixin

_lock = threading.Lock()


class Prepared:
    """A read compiled once. ``build(*sentinels)`` returns the queryset with a distinct
    sentinel value (an int or str used nowhere else in it) for each argument; each call puts
    its arguments where the sentinels reached the SQL's parameters. ``rows`` returns the
    converted value tuples, ``instances`` turns them into model instances with annotations."""

    def __init__(self, build, *sentinels):
        self._build = build
        self._sentinels = sentinels
        self._compiled = {}

    def _compile(self, alias):
        compiled = self._compiled.get(alias)
        if compiled is None:
            with _lock:
                qs = self._build(*self._sentinels).using(alias)
                compiler = qs.query.get_compiler(alias)
                sql, params = compiler.as_sql()
                params = list(params)
                slots = []
                for n, sentinel in enumerate(self._sentinels):
                    at = [i for i, p in enumerate(params) if isinstance(p, type(sentinel)) and p == sentinel]
                    if len(at) != 1:
                        raise ValueError(f"sentinel {sentinel!r} reaches the SQL {len(at)} times: {params!r}")
                    # The backend may wrap a value (psycopg's Int2 for a small integer field): wrap
                    # each call's value the same way.
                    wrap = type(params[at[0]])
                    slots.append((at[0], n, None if wrap is type(sentinel) else wrap))
                fields = [col[0] for col in compiler.select[0:compiler.col_count]]
                converters = compiler.get_converters(fields)
                compiled = self._compiled[alias] = (sql, params, tuple(slots), compiler, qs.model, converters)
        return compiled

    def bind(self, args, alias="default") -> tuple[str, list]:
        sql, template, slots, *_rest = self._compile(alias)
        params = list(template)
        for i, n, wrap in slots:
            params[i] = args[n] if wrap is None else wrap(args[n])
        return sql, params

    def convert(self, raw_rows, alias="default") -> list:
        """The database's rows as Django would give them (its converters applied)."""
        *_head, compiler, _model, converters = self._compile(alias)
        if not converters:
            return raw_rows
        return [tuple(row) for row in compiler.apply_converters(raw_rows, converters)]

    def instances(self, rows, alias="default") -> list:
        """Converted rows as model instances, with their annotations, as the ORM builds them."""
        _sql, _template, _slots, compiler, model, _converters = self._compile(alias)
        info = compiler.klass_info
        start, end = info["select_fields"][0], info["select_fields"][-1] + 1
        names = [s[0].target.attname for s in compiler.select[start:end]]
        out = []
        for row in rows:
            obj = model.from_db(alias, names, row[start:end])
            for attr, pos in compiler.annotation_col_map.items():
                setattr(obj, attr, row[pos])
            out.append(obj)
        return out

    def rows(self, *args, using="default"):
        return read_together((self, args), using=using)[0]

    def exists(self, *args, using="default") -> bool:
        return bool(self.rows(*args, using=using))



class Statement:
    """Plain SQL with its parameters, for read_together beside compiled reads."""

    def __init__(self, sql, params=()):
        self.sql, self.params = sql, list(params)

    def bind(self, args, alias="default"):
        return self.sql, self.params

    def convert(self, raw_rows, alias="default"):
        return raw_rows


def pipelined(using="default") -> bool:
    """Whether statements can share a round trip here (PostgreSQL with server-side binding)."""
    return _pipelined(connections[using])


def _pipelined(connection) -> bool:
    return connection.vendor == "postgresql" and bool(connection.settings_dict["OPTIONS"].get("server_side_binding"))


_PLACEHOLDER = re.compile(r"%%|%s|%")
_dollar_cache: dict = {}


def _dollar(sql: str) -> tuple:
    """Django's SQL (%s placeholders, %% for a percent sign) as PostgreSQL's ($1, $2 …), in the
    client encoding (UTF8, as Django sets it), with the number of parameters; kept per text.
    psycopg's own conversion is not cached for long statements such as the composed writes."""
    hit = _dollar_cache.get(sql)
    if hit is None:
        count = 0

        def place(match):
            nonlocal count
            if match.group() == "%%":
                return "%"
            if match.group() == "%":
                raise ValueError(f"a lone % in {sql[:80]!r}: a percent sign is written %%")
            count += 1
            return f"${count}"
        from psycopg.adapt import PyFormat
        hit = (_PLACEHOLDER.sub(place, sql).encode(), count, [PyFormat.AUTO] * count)
        if len(_dollar_cache) >= 1000:
            _dollar_cache.clear()
        _dollar_cache[sql] = hit
    return hit


class _Bound:
    """One statement ready for libpq: the query, its adapted values, their types and formats
    (the attributes psycopg's prepared-statement cache reads)."""

    __slots__ = ("query", "params", "types", "formats")

    def __init__(self, tx, sql, params):
        from psycopg import ProgrammingError

        self.query, count, formats = _dollar(sql)
        if len(params) != count:
            raise ProgrammingError(f"the query has {count} placeholders but {len(params)} parameters were passed")
        self.params = tx.dump_sequence(params, formats)
        self.types = tx.types or ()
        self.formats = tx.formats


_transformers: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _transformer(raw):
    """An adaptation context for one psycopg connection: its own dumpers and loaders, so values
    go in and come out as they do through its cursors."""
    tx = _transformers.get(raw)
    if tx is None:
        from psycopg.adapt import Transformer
        tx = _transformers[raw] = Transformer(raw)
    return tx


def _run_pipeline(connection, statements, *, commit=False) -> list:
    """Send statements in one round trip and return each one's rows, or None for a statement
    that returns none. A transaction's BEGIN goes with them, and with ``commit`` its COMMIT.

    This drives libpq's pipeline mode directly rather than through psycopg's cursors: psycopg
    flushes the socket after every statement of a pipeline and syncs after BEGIN, which costs
    a send, a wake-up of the server and sometimes a round trip per statement. Here the batch
    is one write and one read. The rest is psycopg's own machinery, as its cursors use it: this
    connection's adapters for the values, and the connection's prepared-statement cache (so a
    statement used ``prepare_threshold`` times is prepared, and psycopg's DEALLOCATE ALL after
    a rollback forgets ours too). The cache is psycopg's internal API
    (``Connection._prepared``, ``_get_tx_start_command``); pyproject pins the minor version this
    was tested with."""
    from psycopg import errors
    from psycopg._preparing import Prepare
    from psycopg.generators import fetch_many, send
    from psycopg.pq import ExecStatus, TransactionStatus

    connection.ensure_connection()
    raw = connection.connection
    tx = _transformer(raw)
    cache = raw._prepared
    started = time.monotonic()
    with connection.wrap_database_errors, raw.lock:
        pgconn = raw.pgconn
        # What each result in turn answers: (statement's index, its prepared-statement cache
        # entry or None), or None for BEGIN, a preparation or COMMIT (only their errors matter).
        expect = []
        queries = [_Bound(tx, sql, params) for sql, params in statements]
        pgconn.enter_pipeline_mode()
        drained = False
        try:
            if not raw.autocommit and pgconn.transaction_status == TransactionStatus.IDLE:
                # BEGIN as psycopg writes it, with the connection's isolation level and access mode
                pgconn.send_query_params(raw._get_tx_start_command(), None)
                expect.append(None)
            for n, query in enumerate(queries):
                prep, name = cache.get(query)
                if prep is Prepare.NO:
                    pgconn.send_query_params(query.query, query.params, param_types=query.types,
                                             param_formats=query.formats)
                else:
                    if prep is Prepare.SHOULD:
                        pgconn.send_prepare(name, query.query, param_types=query.types)
                        expect.append(None)
                    pgconn.send_query_prepared(name, query.params, param_formats=query.formats)
                key = cache.maybe_add_to_cache(query, prep, name)
                expect.append((n, None if key is None else (key, prep, name)))
            if commit:
                pgconn.send_query_params(b"COMMIT", None)
                expect.append(None)
            pgconn.pipeline_sync()
            raw.wait(send(pgconn))
            answers = [raw.wait(fetch_many(pgconn)) for _ in expect]
            raw.wait(fetch_many(pgconn))  # the sync
            drained = True
        finally:
            try:
                pgconn.exit_pipeline_mode()
            except Exception:
                if drained:
                    raise
                # Interrupted half way (a lost connection, a signal): the connection's state is
                # unknown, so it is not used again.
                raw.close()
        out: list = [None] * len(queries)
        error = None
        for what, results in zip(expect, answers, strict=True):
            if what is not None and what[1] is not None:
                cache.validate(*what[1], results)
            result = results[-1] if results else None
            if result is None:
                continue
            if result.status == ExecStatus.FATAL_ERROR:
                if error is None:
                    error = errors.error_from_result(result, encoding=raw.info.encoding)
            elif what is not None and result.status == ExecStatus.TUPLES_OK:
                tx.set_pgresult(result)
                out[what[0]] = tx.load_rows(0, result.ntuples, tuple)
        tx.set_pgresult(None)
        if error is not None:
            raise error
        raw.wait(cache.maintain_gen(raw))  # deallocations the cache asked for, if any
    if connection.queries_logged:
        spent = f"{time.monotonic() - started:.3f}"
        for sql, params in statements:
            connection.queries_log.append({"sql": f"{sql} -- {params!r} (one batch)", "time": spent})
    return out


def read_together(*calls, using="default") -> list[list]:
    """Run several prepared reads, ``(prepared, args)`` each (or ``(Statement, ())``), and
    return each one's converted rows: in one round trip on PostgreSQL with server-side binding
    (a lone read too: the batch costs no more than a cursor), one after another elsewhere."""
    connection = connections[using]
    bound = [prepared.bind(args, using) for prepared, args in calls]
    if _pipelined(connection):
        raw_results = _run_pipeline(connection, bound)
    else:
        raw_results = []
        with connection.cursor() as cursor:
            for statement, params in bound:
                cursor.execute(statement, params)
                raw_results.append(cursor.fetchall())
    return [prepared.convert(rows, using) for (prepared, _args), rows in zip(calls, raw_results, strict=True)]


def _columns(model, *, insert: bool):
    """INSERT leaves out a generated primary key; UPDATE leaves out the primary key."""
    pk = model._meta.pk
    skip = pk if (not insert or isinstance(pk, AutoFieldMixin)) else None
    return tuple(f for f in model._meta.concrete_fields if f is not skip)


_insert_cache: dict = {}
_update_cache: dict = {}
_local = threading.local()


class Writes:
    """Writes queued for one transaction and sent together just before it commits. On
    PostgreSQL with server-side binding: one statement of data-modifying CTEs when that means
    the same (see _composed), else one pipeline round trip; with client-side binding (behind
    pgbouncer): several statements in one simple query; on SQLite one after another, as there
    are no round trips to save. An item is SQL with parameters and a callback for the rows it
    returns, or (SQLite only) a callable that runs its own statements."""

    def __init__(self, using="default"):
        self.using = using
        self.items = []
        self.targets = []

    def add(self, statement, params=(), on_rows=None, target=None):
        """Queue a statement; ``target`` names the row an UPDATE changes, (table, pk)."""
        self.items.append((statement, list(params), on_rows))
        if target is not None:
            self.targets.append(target)

    def _composed(self, items):
        """All the writes as one statement of data-modifying CTEs, when that means the same as
        running them in turn: only the last returns rows, and no row is updated twice (in
        one statement only one of two updates of a row would take effect)."""
        if len(items) < 2 or len(set(self.targets)) != len(self.targets):
            return None
        if any(callable(st) or on_rows is not None for st, _params, on_rows in items[:-1]):
            return None
        last = items[-1][0]
        ctes = ", ".join(f"w{n} AS ({st})" for n, (st, _params, _cb) in enumerate(items[:-1]))
        tail = f", {last[len('WITH '):]}" if last.startswith("WITH ") else f" {last}"
        return f"WITH {ctes}{tail}", [p for _st, params, _cb in items for p in params]

    def flush(self, *, commit=False):
        """Send the queued writes. With ``commit`` (PostgreSQL with server-side binding only)
        the transaction's COMMIT goes in the same round trip; the caller's atomic block then
        finds nothing left to commit."""
        items, self.items = self.items, []
        connection = connections[self.using]
        pipelined = _pipelined(connection)
        if pipelined and (items or commit):
            composed = self._composed(items)
            batch = [composed] if composed else [(statement, params) for statement, params, _cb in items]
            callbacks = [items[-1][2]] if composed else [on_rows for _st, _params, on_rows in items]
            self.targets = []
            for rows, on_rows in zip(_run_pipeline(connection, batch, commit=commit), callbacks, strict=True):
                if on_rows is not None:
                    on_rows(rows)
            return
        self.targets = []
        if not items:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("; ".join(sql for sql, _params, _cb in items),
                               [p for _sql, params, _cb in items for p in params])
                for n, (_sql, _params, on_rows) in enumerate(items):
                    if n:
                        cursor.nextset()
                    if on_rows is not None:
                        on_rows(cursor.fetchall())
                return
            for statement, params, on_rows in items:
                if callable(statement):
                    statement(cursor)
                    continue
                cursor.execute(statement, params)
                if on_rows is not None:
                    on_rows(cursor.fetchall())


def current_writes() -> Writes | None:
    stack = getattr(_local, "stack", None)
    return stack[-1] if stack else None


class queued:
    """``with sql.queued():`` — inserts and updates below are queued and sent together when the
    block ends without an error (inside the caller's transaction).

    ``queued(commit=True)`` is for a block that ends its transaction: placed last inside the
    outermost ``transaction.atomic()``, it sends the COMMIT with the writes when it can
    (PostgreSQL, server-side binding, outermost block, nothing marked for rollback), saving
    the commit's own round trip; Django's commit at the block's end then has nothing to do,
    and its on_commit callbacks run as usual. Inside an outer transaction it only flushes."""

    def __init__(self, using="default", *, commit=False):
        self.writes = Writes(using)
        self.commit = commit

    def __enter__(self) -> Writes:
        stack = getattr(_local, "stack", None)
        if stack is None:
            stack = _local.stack = []
        stack.append(self.writes)
        return self.writes

    def __exit__(self, exc_type, exc, tb):
        _local.stack.pop()
        if exc_type is None:
            connection = connections[self.writes.using]
            self.writes.flush(commit=self.commit and _pipelined(connection) and len(connection.atomic_blocks) == 1
                              and not connection.needs_rollback and not connection.savepoint_ids)
        return False


class immediate:
    """``with sql.immediate():`` — writes below run at once, even inside a queued block."""

    def __enter__(self):
        stack = getattr(_local, "stack", None)
        if stack is None:
            stack = _local.stack = []
        stack.append(None)

    def __exit__(self, exc_type, exc, tb):
        _local.stack.pop()
        return False


def _set_pk(obj, using):
    def on_rows(rows):
        obj.pk = rows[0][0]
        obj._state.adding = False
        obj._state.db = using
    return on_rows


def insert(obj, using="default", need_pk=True):
    """INSERT one model instance (fields' pre_save and database preparation applied, as
    ``save()`` does) and set its primary key: now, or when the queued writes are sent (with
    ``need_pk=False`` a queued row's key is not read back). A key already set (taken from the
    sequence beforehand) is inserted as it is."""
    connection = connections[using]
    given_pk = obj.pk is not None
    key = (type(obj), connection.vendor, given_pk)
    compiled = _insert_cache.get(key)
    if compiled is None:
        model = type(obj)
        fields = model._meta.concrete_fields if given_pk else _columns(model, insert=True)
        qn = connection.ops.quote_name
        sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
               f"VALUES ({', '.join(['%s'] * len(fields))})")
        compiled = _insert_cache[key] = (sql, f" RETURNING {qn(model._meta.pk.column)}", fields)
    sql, returning, fields = compiled
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    writes = current_writes()
    if writes is not None:
        if need_pk:
            writes.add(sql + returning, params, _set_pk(obj, using))
        else:
            writes.add(sql, params)
            obj._state.adding, obj._state.db = False, using
        return obj
    sql += returning
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        _set_pk(obj, using)(cursor.fetchall())
    return obj


def update(obj, fields: tuple[str, ...] | None = None, using="default"):
    """UPDATE one model instance by primary key (the named fields, or every concrete field):
    now, or when the queued writes are sent."""
    connection = connections[using]
    model = type(obj)
    key = (model, fields, connection.vendor)
    compiled = _update_cache.get(key)
    if compiled is None:
        columns = (_columns(model, insert=False) if fields is None
                   else tuple(model._meta.get_field(name) for name in fields))
        qn = connection.ops.quote_name
        sql = (f"UPDATE {qn(model._meta.db_table)} SET {', '.join(f'{qn(f.column)} = %s' for f in columns)} "
               f"WHERE {qn(model._meta.pk.column)} = %s")
        compiled = _update_cache[key] = (sql, columns)
    sql, columns = compiled
    params = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in columns]
    params.append(obj.pk)
    writes = current_writes()
    if writes is not None:
        writes.add(sql, params, target=(model._meta.db_table, obj.pk))
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
