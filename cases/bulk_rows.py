"""Many rows at once, fast: dicts keyed by attname go into a table by PostgreSQL's COPY (ids taken
from the table's sequence beforehand), or by bulk_create on other databases. Used where thousands
of rows are written together: the benchmark fixture (`seed_demo --cases`) and imported histories
(services.backfill). Nothing here checks anything; callers write what their own code decided. Rows
of sealed history (audit.models.SealedRow) are sealed here, as a save() would seal them."""

import io
import json
import queue
import re
import threading

from django.db import connection, models, transaction

from audit.models import is_sealed, seal_row

_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]")


def _text(value) -> str:
    value = str(value)
    if _NEEDS_ESCAPE.search(value):
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def _json(value) -> str:
    if not value:
        return "{}" if isinstance(value, dict) else "[]"
    return _text(json.dumps(value, ensure_ascii=False))


_INTEGER_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}


def _converter(field):
    """COPY text format for one column (None becomes \\N before this is called)."""
    kind = (field.target_field if field.is_relation else field).get_internal_type()
    if kind == "BooleanField":
        return lambda v: "t" if v else "f"
    if kind == "JSONField":
        return _json
    if kind in ("DateField", "DateTimeField"):
        return lambda v: v.isoformat()
    if kind in _INTEGER_TYPES:
        return str
    return _text


class RowWriter:
    """Rows as dicts keyed by attname; a missing column gets the field's default.

    PostgreSQL: ids come from the sequences and rows go in with COPY. Outside a transaction (the
    management command), the COPYs run in a writer thread on its own connection and transaction,
    with constraints checked immediately, so the database works while Python builds the next batch;
    all or nothing still holds. Inside a transaction (an import, the tests) the COPYs run right
    away in it. Other databases: bulk_create of the same dicts, synchronously."""

    QUEUE = 3

    def __init__(self):
        self.pg = connection.vendor == "postgresql"
        self.threaded = self.pg and not connection.in_atomic_block
        self._layouts: dict = {}
        self._reserved: dict = {}
        self._thread = self._queue = self._error = None

    # -- ids --

    def ids(self, model, n: int) -> list[int]:
        if n <= 0:
            return []
        table, pk = model._meta.db_table, model._meta.pk.column
        with connection.cursor() as cursor:
            if self.pg:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [table, pk, n],
                )
                return [row[0] for row in cursor.fetchall()]
            cursor.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(pk)}), 0) FROM {table}")
            start = max(cursor.fetchone()[0] + 1, self._reserved.get(table, 0))
            self._reserved[table] = start + n
            return list(range(start, start + n))

    # -- rows --

    def _layout(self, model, with_pk: bool):
        key = (model, with_pk)
        if key not in self._layouts:
            fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
            self._layouts[key] = (fields, [_converter(f) for f in fields])
        return self._layouts[key]

    def insert(self, model, rows: list[dict], now, with_pk: bool = True) -> None:
        if not rows:
            return
        fields, converters = self._layout(model, with_pk)
        defaults = {}
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                defaults[f.attname] = now if f.get_internal_type() == "DateTimeField" else now.date()
            else:
                defaults[f.attname] = f.get_default()
        names = list(defaults)
        if not self.pg:
            objs = [model(**{name: row.get(name, defaults[name]) for name in names}) for row in rows]
            model.objects.bulk_create(objs, batch_size=500)  # a sealed model's manager seals them
            return
        sealed = is_sealed(model)  # history rows are sealed here as their save() would
        lines = []
        for row in rows:
            full = {**defaults, **row}
            if sealed:
                full = seal_row(model, full)
            values = [full[name] for name in names]
            lines.append(
                "\t".join(
                    [
                        "\\N" if v is None else convert(v)
                        for v, convert in zip(values, converters, strict=True)
                    ]
                )
            )
        lines.append("")
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
        self._submit(sql, "\n".join(lines))

    # -- COPY, here or in the writer thread --

    def _submit(self, sql: str, text: str) -> None:
        if not self.threaded:
            self._copy(sql, text)
            return
        if self._thread is None:
            self._queue = queue.Queue(maxsize=self.QUEUE)
            self._thread = threading.Thread(target=self._run, name="seed-demo-writer", daemon=True)
            self._thread.start()
        if self._error is not None:
            raise RuntimeError("写入线程出错") from self._error
        self._queue.put((sql, text))

    @staticmethod
    def _copy(sql: str, text: str) -> None:
        with connection.cursor() as cursor, connection.wrap_database_errors:  # → django.db errors
            raw = cursor.cursor
            if hasattr(raw, "copy_expert"):  # psycopg2
                raw.copy_expert(sql, io.StringIO(text), size=1 << 20)
            else:  # psycopg 3
                with raw.copy(sql) as copy:
                    copy.write(text)

    _ABORT = object()

    def _run(self) -> None:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                while (task := self._queue.get()) is not None:
                    if task is self._ABORT:
                        raise RuntimeError("批量生成中止，已回滚")
                    self._copy(*task)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread in finish()
            self._error = exc
            while self._queue.get() is not None:  # keep draining so the producer never blocks
                pass
        finally:
            connection.close()

    def finish(self, ok: bool = True) -> None:
        """Commit (or, when not ok, roll back) what the writer thread wrote; raise its error."""
        if self._thread is None:
            return
        if not ok:
            self._queue.put(self._ABORT)
        self._queue.put(None)
        self._thread.join()
        self._thread = None
        if ok and self._error is not None:
            raise RuntimeError("写入线程出错，已回滚") from self._error


class _Blank:
    """A model's positional arguments for a new instance: every concrete field's default, computed
    once (a callable default, e.g. dict or timezone.now, is called again for each instance)."""

    def __init__(self, model):
        fields = model._meta.concrete_fields
        self.index = {}
        for i, field in enumerate(fields):
            self.index[field.attname] = i
            self.index.setdefault(field.name, i)
        self.called = [(i, f) for i, f in enumerate(fields) if f.has_default() and callable(f.default)]
        self.values = [f.get_default() for f in fields]
        self.relations = {f.name: f for f in fields if f.is_relation}


_BLANKS: dict = {}


def new_instance(model, **values):
    """model(**values), unsaved, by Model.__init__'s positional path: the same instance (signals
    included) at a fraction of the cost of the keyword path, which looks up a default for every
    field not given. For the thousands of Person and Case rows an import decides; values are
    fields by name or attname, a relation (person=...) is set through its descriptor as usual."""
    blank = _BLANKS.get(model)
    if blank is None:
        blank = _BLANKS[model] = _Blank(model)
    args = blank.values.copy()
    for i, field in blank.called:
        args[i] = field.get_default()
    related = {}
    for name, value in values.items():
        if name in blank.relations:
            related[name] = value
        elif name in blank.index:
            args[blank.index[name]] = value
        else:
            raise TypeError(f"{model.__name__}() got an unexpected keyword argument '{name}'")
    instance = model(*args)
    for name, value in related.items():
        field = blank.relations[name]
        if field.one_to_one:  # the descriptor also caches the reverse side
            setattr(instance, name, value)
        elif value is not None and not isinstance(value, field.related_model):
            raise ValueError(f"{model.__name__}.{name} 须为 {field.related_model.__name__}，而不是 {value!r}")
        else:  # what the descriptor does for a new instance
            instance.__dict__[field.attname] = (
                None if value is None else getattr(value, field.target_field.attname)
            )
            field.set_cached_value(instance, value)
    return instance


_PLAIN_PRE_SAVE = {models.Field.pre_save, models.DateField.pre_save, models.DateTimeField.pre_save}


class RowLayout:
    """A model's columns read off unsaved instances as an INSERT takes them (what bulk_create's
    _prepare_related_fields_for_save and pre_save do, once planned per model): the id of a related
    object saved since it was set, auto_now stamped, any other field's own pre_save (a file)."""

    def __init__(self, model):
        fields = model._meta.concrete_fields
        self.model = model
        self.attnames = [f.attname for f in fields]
        self.relations = [f for f in fields if f.is_relation]
        self.pre_saved = [
            f
            for f in fields
            if getattr(f, "auto_now", False)
            or getattr(f, "auto_now_add", False)
            or type(f).pre_save not in _PLAIN_PRE_SAVE
        ]

    def row(self, obj) -> dict:
        values, cache = obj.__dict__, obj._state.fields_cache
        for field in self.relations:
            if values[field.attname] is None and (related := cache.get(field.name)) is not None:
                if related.pk is None:
                    raise ValueError(f"{self.model.__name__}.{field.name} 指向未保存的记录")
                values[field.attname] = getattr(related, field.target_field.attname)
        row = {name: values[name] for name in self.attnames}
        for field in self.pre_saved:
            row[field.attname] = field.pre_save(obj, add=True)
        return row


_LAYOUTS: dict = {}


def row_layout(model) -> RowLayout:
    layout = _LAYOUTS.get(model)
    if layout is None:
        layout = _LAYOUTS[model] = RowLayout(model)
    return layout
