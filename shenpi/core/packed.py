"""Text kept deflated against a preset dictionary.

A written notice is a few hundred bytes of Chinese, most of it the wording its template gives
every notice of its kind. PostgreSQL compresses only rows over 2 KB, so such text is stored as
it is, once per notice, for millions of notices. Deflated with zlib against a dictionary of
that wording (its ``zdict``), a notice keeps only what is its own and takes about 40% of the
bytes; reading it back gives exactly the text as issued.

The stored value is one tag byte and the bytes: tag 0, the UTF-8 text as it is (when deflating
would not make it smaller); tag N > 0, the text deflated (raw, no header) with the field's N-th
dictionary. A dictionary is never changed once rows are written with it: new wording gets a
new dictionary appended to the list, and rows made with an older one still read.
"""

from __future__ import annotations

import json
import logging
import zlib
from contextlib import nullcontext
from typing import Any

from django.db import migrations, models
from django.utils.functional import cached_property
from django.utils.module_loading import import_string

PLAIN = 0
logger = logging.getLogger(__name__)


def deflate(raw: bytes, zdict: bytes | None = None) -> bytes:
    """Raw deflate (no header), at the best level, against a preset dictionary if given: the
    one way Shenpi deflates, for packed columns and for case archives."""
    kw = {"zdict": zdict} if zdict else {}
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, **kw)
    return compressor.compress(raw) + compressor.flush()


def inflate(data: bytes, zdict: bytes | None = None) -> bytes:
    kw = {"zdict": zdict} if zdict else {}
    decompressor = zlib.decompressobj(-15, **kw)
    return decompressor.decompress(data) + decompressor.flush()


def pack(text: str, dictionaries: tuple[bytes, ...]) -> bytes:
    """The stored form of `text`: deflated with the newest dictionary, or plain when that is
    not smaller."""
    raw = text.encode()
    if dictionaries:
        packed = deflate(raw, dictionaries[-1])
        if len(packed) < len(raw):
            return bytes([len(dictionaries)]) + packed
    return bytes([PLAIN]) + raw


def unpack(data: bytes | memoryview | str, dictionaries: tuple[bytes, ...]) -> str:
    # SQLite keeps what it is given: text written into the column by hand comes back as text.
    data = data.encode() if isinstance(data, str) else bytes(data)
    if not data:
        return ""
    tag, body = data[0], data[1:]
    if tag == PLAIN:
        return body.decode()
    if tag > len(dictionaries):
        raise ValueError(f"packed text names dictionary {tag}, and only {len(dictionaries)} are known")
    return inflate(body, dictionaries[tag - 1]).decode()


class PackedTextField(models.BinaryField):
    """A text column stored packed (see the module). `dictionaries` is the dotted path of a
    tuple of bytes, oldest first, so migrations name it rather than copy it. Only equality and
    null lookups make sense on it: the database sees bytes."""

    description = "Text deflated against a preset dictionary"
    # What the attribute holds, for django-stubs' type checking (a BinaryField holds bytes).
    _pyi_private_set_type: Any
    _pyi_private_get_type: str  # type: ignore[assignment]

    def __init__(self, *args: Any, dictionaries: str = "", **kwargs: Any) -> None:
        self.dictionaries_path = dictionaries
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.dictionaries_path:
            kwargs["dictionaries"] = self.dictionaries_path
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    @cached_property
    def dictionaries(self) -> tuple[bytes, ...]:
        """Resolved once per field, not on every row read."""
        return tuple(import_string(self.dictionaries_path)) if self.dictionaries_path else ()

    def to_text(self, value: Any) -> str:
        return str(value)

    def from_text(self, text: str) -> Any:
        return text

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        try:
            return self.from_text(unpack(value, self.dictionaries))
        except (ValueError, zlib.error) as e:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            # One damaged row must not stop the page or the check that reads it: it reads as
            # what unreadable() gives, and the log says which column and why.
            logger.error("unreadable packed value in %s: %s", self, e)
            return self.unreadable(value)

    def unreadable(self, value: Any) -> Any:
        """What a damaged stored value reads as."""
        return ""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, (bytes, memoryview)):
            return self.from_text(unpack(value, self.dictionaries))
        return value

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is None or isinstance(value, (bytes, memoryview)):
            return super().get_db_prep_value(value, connection, prepared)
        return super().get_db_prep_value(pack(self.to_text(value), self.dictionaries), connection, prepared)

    def value_to_string(self, obj: Any) -> str:
        value = self.value_from_object(obj)
        return "" if value is None else self.to_text(value)


class PackedLinesField(PackedTextField):
    """A list of one-line paragraphs (a notice's text), stored packed as lines."""

    description = "Paragraphs deflated against a preset dictionary"
    _pyi_private_get_type: list[str]  # type: ignore[assignment]

    def to_text(self, value: Any) -> str:
        lines = [str(line) for line in value]
        if any("\n" in line for line in lines):
            raise ValueError("a paragraph of packed lines holds a line break")
        return "\n".join(lines)

    def from_text(self, text: str) -> Any:
        return text.split("\n")

    def unreadable(self, value: Any) -> Any:
        return []

    # Serialized (dumpdata, loaddata) as a JSON list, so every list comes back as it was.
    def value_to_string(self, obj: Any) -> str:
        value = self.value_from_object(obj)
        return json.dumps(value, ensure_ascii=False) if value is not None else ""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            return json.loads(value) if value else []
        return super().to_python(value)

    # No paragraphs are stored as no bytes at all, so [] and [""] both read back as written.
    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if isinstance(value, (list, tuple)) and not value:
            return super().get_db_prep_value(b"", connection, prepared)
        return super().get_db_prep_value(value, connection, prepared)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is not None and not bytes(value):
            return []
        return super().from_db_value(value, expression, connection)


class PackedJSONField(PackedTextField):
    """A JSON value (an audit entry's before and after, a case event's payload), stored packed
    as compact JSON with sorted keys. It reads back as json.loads gives it, as a JSONField's
    would; None is stored as NULL (the field must then be null=True) and any other value as
    its JSON. `encoder` turns what JSON cannot hold (a date, a Decimal) into text on the way in."""

    description = "JSON deflated against a preset dictionary"
    _pyi_private_get_type: Any

    def __init__(self, *args: Any, encoder: Any = None, **kwargs: Any) -> None:
        self.encoder = encoder
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.encoder is not None:
            kwargs["encoder"] = self.encoder
        return name, path, args, kwargs

    def to_text(self, value: Any) -> str:
        return json.dumps(value, cls=self.encoder, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    def from_text(self, text: str) -> Any:
        return json.loads(text)

    def unreadable(self, value: Any) -> Any:
        # Never equal to what was written, so a check over it (audit verify) names the row.
        raw = value.encode() if isinstance(value, str) else bytes(value)
        return {"unreadable": raw[:32].hex()}

    # Serialized (dumpdata, loaddata) as the value itself, as a JSONField is; only stored bytes
    # are unpacked on the way in.
    def value_to_string(self, obj: Any) -> Any:
        return self.value_from_object(obj)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, (bytes, memoryview)):
            return self.from_text(unpack(value, self.dictionaries))
        return value


def copy_column(model: Any, schema_editor: Any, source: str, target: str, convert: Any, batch: int = 2000) -> None:
    """For migrations that move a text into or out of a packed column: each row's `source`
    value, through `convert`, into `target`, a batch at a time, as one UPDATE per row sent
    together (Django's bulk_update would build a CASE of every row of the batch for each)."""
    to = model._meta.get_field(target)
    connection = schema_editor.connection
    qn = connection.ops.quote_name
    sql = f"UPDATE {qn(model._meta.db_table)} SET {qn(to.column)} = %s WHERE {qn(model._meta.pk.column)} = %s"
    last = 0
    while True:
        rows = list(model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", source)[:batch])
        if not rows:
            return
        with connection.cursor() as cursor:
            cursor.executemany(sql, [(to.get_db_prep_save(convert(value), connection), pk) for pk, value in rows])
        last = rows[-1][0]


def packing_operation(app_label: str, model_name: str, names: list[str], convert: Any = lambda value: value,
                      guard: Any = None) -> migrations.RunPython:
    """The copy step of a migration that moves columns into packed ones, each `name` added as
    `name_packed` before it and renamed after: forward every name into name_packed, backward
    the other way, each value through `convert`; `guard(schema_editor)`, a context manager, is
    held around the copy (the audit table's append-only guard lowered)."""
    def copy(source_suffix: str, target_suffix: str) -> Any:
        def apply(apps: Any, schema_editor: Any) -> None:
            model = apps.get_model(app_label, model_name)
            with guard(schema_editor) if guard else nullcontext():
                for name in names:
                    copy_column(model, schema_editor, name + source_suffix, name + target_suffix, convert)
        return apply
    return migrations.RunPython(copy("", "_packed"), copy("_packed", ""), elidable=False)
