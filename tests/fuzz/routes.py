"""Every URL pattern of the project, found by walking the resolver, and real addresses for each:
its path parameters filled with the ids of the fuzz scene's objects (or with any text, for the
tests that attack the path itself)."""

import re
from dataclasses import dataclass
from urllib.parse import quote

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.selectors import ORIGINS as AUDIT_ORIGINS
from audit.tabs import TABS as AUDIT_TABS
from imports.exports.sheets import ROSTER_STAGES
from partystats.tables import BY_KEY as PARTYSTATS_TABLES
from partystats.tables import LISTS_BY_KEY as PARTYSTATS_LISTS
from reviews.queues import QUEUES

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    name: str  # "cases:detail"; "" for an unnamed pattern
    template: str  # "cases/<id:pk>/", the concatenated route patterns
    is_regex: bool

    @property
    def parameters(self) -> list[str]:
        return [m["name"] for m in PARAMETER.finditer(self.template)]

    @property
    def is_admin(self) -> bool:
        return self.template.startswith("admin/")

    def with_text(self, values: dict[str, str]) -> str:
        """The path with each parameter replaced by `values[name]`, percent-encoded: any text."""
        return "/" + PARAMETER.sub(lambda m: quote(values[m["name"]], safe=""), self.template)


def _walk(patterns, prefix="", namespace="", regex=False):
    for pattern in patterns:
        is_regex = regex or type(pattern.pattern).__name__ == "RegexPattern"
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else namespace
            inner = inner or pattern.namespace or ""
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner, is_regex)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name or ""
            yield Route(name, prefix + str(pattern.pattern), is_regex)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def product_routes() -> list[Route]:
    """The product's own pages (the admin is Django's, walked separately)."""
    return [r for r in all_routes() if not r.is_admin and not r.is_regex]


def admin_changelists() -> list[Route]:
    return [r for r in all_routes() if r.is_admin and r.name.endswith("_changelist")]


def addresses(route: Route, scene) -> list[str]:
    """Real addresses of `route` in the fuzz scene: every queue, every roster, a step of each kind."""
    if not route.parameters:
        return [reverse(route.name)]
    pk = {
        "cases:material": scene.material.pk,
        "reviews:forward": scene.reviewer_submission.pk,
        "reviews:return": scene.reviewer_submission.pk,
        "imports:batch": scene.batch.pk,
        "imports:confirm": scene.batch.pk,
        "reviews:letter": scene.letter.pk,
        "reviews:letter_pdf": scene.letter.pk,
        "reviews:letter_regenerate": scene.letter.pk,
    }.get(route.name, scene.case.pk)
    choices = {
        "cases:step": [
            {"pk": pk, "code": c} for c in ("activist_selection", "contacts_assigned", "target_selection")
        ],
        "cases:submit": [{"pk": pk, "code": "activist_filing"}],
        "cases:entry": [{"pk": pk, "code": c} for c in ("activist_cultivation", "probation_education")],
        "reminders:feed": [{"token": "not-a-token"}],
        "dossier:download": [{"pk": pk, "kind": kind} for kind in ("pdf", "zip", "exe")],
        "audit:tab": [{"tab": tab} for tab in (*AUDIT_TABS, "no-such-tab")],
        "audit:export": [{"tab": tab, "fmt": fmt} for tab in AUDIT_TABS for fmt in ("csv", "xlsx", "exe")],
        **{
            name: [{"key": key} for key in (*PARTYSTATS_TABLES, "no-such-table")]
            for name in ("partystats:table", "partystats:people", "partystats:help", "partystats:freeze")
        },
        "partystats:name_list": [{"key": key} for key in (*PARTYSTATS_LISTS, "no-such-list")],
        "cases:meeting": [
            {"pk": m} for m in scene.case.records.exclude(meeting=None).values_list("meeting", flat=True)[:2]
        ]
        or [{"pk": pk}],
        "audit:record": [{"origin": o, "pk": pk} for o in (*AUDIT_ORIGINS, "no-such-table")],
        "reviews:queue": [{"slug": q.slug} for q in QUEUES],
        "reviews:decide": [{"slug": q.slug} for q in QUEUES],
        "reviews:item": [
            {"slug": "activist_filing", "pk": scene.submission.pk},
            {"slug": "review", "pk": scene.reviewer_submission.pk},
        ],
        "reviews:result": [{"key": "0123456789ab"}],
        "reviews:verify": [{"code": scene.letter.code}],
        "imports:export_roster": [{"stage": s} for s in ROSTER_STAGES],
        **{
            name: [
                {"pk": org, "year": scene.today.year}
                for org in (scene.case.branch_id, scene.case.branch.parent_id)
            ]
            for name in ("plans:detail", "plans:edit", "plans:export")
        },
    }.get(route.name, [{"pk": pk}])
    return [reverse(route.name, kwargs=kwargs) for kwargs in choices]
