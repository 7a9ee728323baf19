"""审批台: the overview, one page per queue, a page per item, and the decision endpoint."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cases import services as case_services
from cases.models import EventSource
from cases.web import actor_for, paginate
from config.converters import object_id
from reviews import selectors, services
from reviews.filters import queue_filters
from reviews.forms import DecisionForm
from reviews.queues import ACTION_LABELS, BY_SLUG

RESULTS_KEY = "reviews-results"
KEEP_RESULTS = 5


def _queue(request, slug):
    queue = BY_SLUG.get(slug)
    if queue is None:
        raise Http404
    answer = selectors.queue_answer(request.user, queue)
    if not answer:
        raise PermissionDenied(answer.reason)
    return queue


def _decision_form(request, queue, data=None):
    meetings = selectors.committee_meetings(request.user) if queue.uses_meeting else []
    today = timezone.localdate()
    return DecisionForm(data, queue=queue, meetings=meetings, initial={"on": today, "held_on": today})


def _filters(request, queue):
    """The queue's FilterSet over its items, from the query string (reviews.filters)."""
    return queue_filters(queue, request.GET, selectors.queue_items(request.user, queue))


def _rows(request, queue, items) -> list:
    return selectors.queue_rows(request.user, queue, today=timezone.localdate(), items=items)


def _selected(form) -> set[int]:
    if form is None or not form.is_bound:
        return set()
    return {pk for v in form.data.getlist("ids") if (pk := object_id(v)) is not None}


@require_GET
def desk(request):
    if not selectors.queues_for(request.user):
        raise PermissionDenied("您没有审批台的职责。")
    context = {
        "counts": selectors.queue_counts(request.user, timezone.localdate()),
        "recent_letters": selectors.letters_visible_to(request.user).order_by("-created_at", "-pk")[:10],
    }
    return render(request, "reviews/desk.html", context)


def _queue_page(request, queue, form=None):
    filters = _filters(request, queue)
    rows = _rows(request, queue, filters.qs)
    context = {
        "queue": queue,
        "page": paginate(request, rows),
        "total": len(rows),
        "overdue": sum(r.overdue for r in rows),
        "filters": filters,
        "filter_form": filters.form,
        "form": form or _decision_form(request, queue),
        "counts": selectors.queue_counts(request.user, timezone.localdate()),
        "query": filters.query(),
        "selected": _selected(form),
    }
    return render(request, "reviews/queue.html", context)


@require_GET
def queue(request, slug):
    return _queue_page(request, _queue(request, slug))


def _item_page(request, queue, pk, form=None):
    filters = _filters(request, queue)
    # Outside the current filters (or the filters invalid): navigate the whole queue instead.
    within = filters.qs if filters.qs.filter(pk=pk).exists() else filters.queryset
    rows = _rows(request, queue, within)
    before, after, position = selectors.neighbours(rows, pk)
    if not position:
        decided = None if queue.by_case else selectors.submission_visible_to(request.user, pk)
        if decided is not None:
            messages.info(request, "该事项已办理或已不在本队列。")
            return redirect(decided.case)
        raise Http404
    row = rows[position - 1]
    context = {
        "queue": queue,
        "row": row,
        "before": before,
        "after": after,
        "position": position,
        "total": len(rows),
        "form": form or _decision_form(request, queue),
        "letters": selectors.letters_for_case(row.case),
        "query": filters.query(),
    }
    return render(request, "reviews/item.html", context)


@require_GET
def item(request, slug, pk):
    return _item_page(request, _queue(request, slug), pk)


@require_POST
def decide(request, slug):
    queue = _queue(request, slug)
    form = _decision_form(request, queue, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        found = {i.pk: i for i in selectors.queue_items(request.user, queue).filter(pk__in=data["ids"])}
        try:
            result = services.decide_batch(
                queue=queue,
                action=data["action"],
                items=[found[pk] for pk in data["ids"] if pk in found],
                actor=actor_for(request, EventSource.DESK),
                on=data.get("on"),
                meeting=data.get("meeting"),
                new_meeting=form.new_meeting(),
                votes=form.votes(),
                reason=data.get("reason", ""),
                warning_reason=data.get("warning_reason", ""),
                talker=data.get("talker", ""),
                opinion=data.get("opinion", ""),
                site_url=request.build_absolute_uri("/"),
            )
        except (case_services.InvalidInput, PermissionDenied) as exc:
            form.add_error(None, str(exc) or "您的角色无权办理此事项。")
        else:
            result.report_missing([pk for pk in data["ids"] if pk not in found])
            return redirect("reviews:result", key=_keep(request, result))
    from_item = object_id(request.POST.get("from_item", ""))
    if from_item is not None:
        return _item_page(request, queue, from_item, form)
    return _queue_page(request, queue, form)


def _keep(request, result) -> str:
    key = uuid.uuid4().hex[:12]
    kept = request.session.get(RESULTS_KEY, {})
    kept[key] = result.as_dict()
    request.session[RESULTS_KEY] = dict(list(kept.items())[-KEEP_RESULTS:])
    return key


@require_GET
def result(request, key):
    data = request.session.get(RESULTS_KEY, {}).get(key)
    if data is None:
        messages.info(request, "办理结果已过期，请在队列中查看。")
        return redirect("reviews:desk")
    outcome = services.BatchResult.from_dict(data)
    queue = _queue(request, outcome.queue)
    retry = [i for i in outcome.items if i.needs_reason]
    remaining = selectors.queue_rows(request.user, queue, today=timezone.localdate())
    context = {
        "next_row": remaining[0] if remaining else None,
        "queue": queue,
        "result": outcome,
        "action_label": ACTION_LABELS[outcome.action],
        "retry": retry,
        "queue_url": reverse("reviews:queue", args=[queue.slug]),
    }
    return render(request, "reviews/result.html", context)
