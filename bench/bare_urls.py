"""The bare baseline page for bench/run.py: 50 rows from the database in one query, rendered by a
plain Django template, with nothing else (no base layout, no context processors, no scope).

Mounted only when the environment has DJANGO_BENCH_BARE=1 (see bench/README.md). It goes through
the same middleware as every page, so it still needs a login, like the pages it is compared with."""

from pathlib import Path

from django.http import HttpResponse
from django.template import Context, Engine
from django.urls import path

from cases.models import Case

# A standalone engine (cached loader, autoescape on): the project's engine would add context
# processors, which is exactly the per-page work this baseline leaves out.
ENGINE = Engine(dirs=[str(Path(__file__).resolve().parent / "templates")])


def bare(request):
    rows = (
        Case.objects.select_related("person", "branch")
        .only(
            "pk",
            "stage",
            "next_step",
            "next_due",
            "applied_on",
            "person__name",
            "person__gender",
            "person__birth_date",
            "branch__name",
        )
        .order_by("-pk")[:50]
    )
    html = ENGINE.get_template("bare.html").render(Context({"rows": list(rows)}))
    return HttpResponse(html)


# config/urls.py includes this module under "bench/" when DJANGO_BENCH_BARE=1: /bench/bare/
urlpatterns = [path("bare/", bare, name="bench_bare")]
