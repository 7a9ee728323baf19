"""Keyset pages over one or more history tables at once (the audit browser's tabs and exports).

A tab reads several sources (tables), each with its time column and id; the tab is ordered by
(time, source rank, id), newest first. A page asks each source for its next `size + 1` rows after
the cursor — one indexed range scan per source, never OFFSET, never COUNT(*) — merges them and keeps
`size`. The cursor is that ordering key of the page's last row, signed (django.core.signing) so
the link is opaque and a tampered one is refused with a message instead of a query.

For a source of rank r and the cursor (t, R, i), "after the cursor" is: time < t, or time = t and
(r < R, or r = R and id < i) — a plain range condition per source.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.core import signing
from django.db.models import Q, QuerySet

SALT = "audit.cursor"


class BadCursor(ValueError):
    """The 下一页 link was altered or comes from elsewhere."""


@dataclass(frozen=True)
class Cursor:
    at: dt.datetime
    rank: int
    pk: int

    def token(self) -> str:
        return signing.dumps([self.at.isoformat(), self.rank, self.pk], salt=SALT, compress=False)

    @classmethod
    def parse(cls, token: str) -> "Cursor":
        try:
            at, rank, pk = signing.loads(token, salt=SALT)
            return cls(dt.datetime.fromisoformat(at), int(rank), int(pk))
        except (signing.BadSignature, ValueError, TypeError) as exc:
            raise BadCursor("翻页位置无效（链接可能被修改），已回到第一页。") from exc


@dataclass(frozen=True)
class Source:
    """One table of a tab: `rows(filters)` is its scoped, filtered queryset (None when the filters
    exclude this table altogether); `present(objects)` turns a page's objects into AuditRows in a
    constant number of queries."""

    key: str
    rank: int
    time: str
    pk: str
    rows: Callable[[dict], QuerySet | None]
    present: Callable[[list], list]

    def after(self, cursor: Cursor | None) -> Q:
        if cursor is None:
            return Q()
        t = cursor.at
        if self.rank < cursor.rank:
            return Q(**{f"{self.time}__lte": t})
        if self.rank > cursor.rank:
            return Q(**{f"{self.time}__lt": t})
        # The redundant upper bound lets the (time, id) index start at the cursor: the OR alone
        # makes PostgreSQL scan from the newest row down.
        return Q(**{f"{self.time}__lte": t}) & (
            Q(**{f"{self.time}__lt": t}) | Q(**{self.time: t, f"{self.pk}__lt": cursor.pk})
        )

    def take(self, filters: dict, cursor: Cursor | None, n: int) -> list:
        qs = self.rows(filters)
        if qs is None:
            return []
        qs = qs.filter(self.after(cursor)).order_by(f"-{self.time}", f"-{self.pk}")
        return list(qs[:n])

    def key_of(self, obj) -> tuple:
        return (getattr(obj, self.time), self.rank, getattr(obj, self.pk))


@dataclass
class Page:
    rows: list
    next: Cursor | None


def page(sources: tuple[Source, ...], filters: dict, cursor: Cursor | None, size: int) -> Page:
    """`size` rows after `cursor`, newest first, and the cursor of the next page (None at the end)."""
    keyed = []
    for source in sources:
        keyed += [(source.key_of(obj), source, obj) for obj in source.take(filters, cursor, size + 1)]
    keyed.sort(key=lambda item: item[0], reverse=True)
    more = len(keyed) > size
    kept = keyed[:size]
    rows_by_source: dict[str, list] = {}
    for _, source, obj in kept:
        rows_by_source.setdefault(source.key, []).append(obj)
    shown = {}
    for source in sources:
        objs = rows_by_source.get(source.key, [])
        if objs:
            for obj, row in zip(objs, source.present(objs), strict=True):
                row.origin, row.pk = source.key, getattr(obj, source.pk)  # the row's own page
                shown[(source.key, id(obj))] = row
    rows = [shown[(source.key, id(obj))] for _, source, obj in kept]
    last = kept[-1][0] if more else None
    return Page(rows, Cursor(*last) if last else None)


def every_row(sources: tuple[Source, ...], filters: dict, chunk: int = 2000) -> Iterator:
    """Every row of the tab, newest first, a chunk at a time (exports: bounded memory)."""
    cursor = None
    while True:
        result = page(sources, filters, cursor, chunk)
        yield from result.rows
        if result.next is None:
            return
        cursor = result.next


__all__ = ["BadCursor", "Cursor", "Page", "Source", "every_row", "page"]
