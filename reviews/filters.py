"""The desk's lists' filters (cases.filters.ListFilterSet): each queue's, and the letter list's.

A queue's FilterSet narrows the queue's items (reviews.selectors.queue_items) before its rows are
built; its branch choices are the branches the whole queue holds. The department's filing queue
holds cases, not submissions, and is dated by the 党委 approval, so it has a FilterSet of its own.
"""

from django.db.models import Q

from branches.models import Organization
from cases.filters import DayFilter, ListFilterSet, branch_filter, choice_filter, search_filter
from cases.models import Case, StepRecord, Submission
from reviews.models import Letter, LetterKind, LetterStatus
from reviews.queues import Queue


class SubmissionQueueFilterSet(ListFilterSet):
    """A queue of the branches' reports (submissions), dated by the report."""

    branch = branch_filter("case__branch_id")
    since = DayFilter(field_name="submitted_on__gte", method="dated")
    until = DayFilter(label="至", field_name="submitted_on__lte", method="dated")

    date_label = "报送日期"

    class Meta:
        model = Submission
        fields = ()

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.form.fields["since"].label = f"{self.date_label}自"
        held = queryset.values(self.filters["branch"].field_name)
        self.offer_branches(Organization.objects.filter(pk__in=held).order_by("path"))

    def dated(self, queryset, name, value):
        return queryset.filter(**{name: value})


class FilingQueueFilterSet(SubmissionQueueFilterSet):
    """The department's filing queue: cases, dated by their 党委 approval (admission_approval)."""

    branch = branch_filter("branch_id")
    date_label = "审批日期"

    class Meta:
        model = Case
        fields = ()

    def dated(self, queryset, name, value):
        lookup = name.rpartition("__")[2]
        approvals = StepRecord.objects.filter(
            step="admission_approval", is_current=True, **{f"on__{lookup}": value}
        )
        return queryset.filter(pk__in=approvals.values("case"))


def queue_filters(queue: Queue, data, items) -> SubmissionQueueFilterSet:
    """The FilterSet of `queue` over its items (reviews.selectors.queue_items)."""
    filterset = FilingQueueFilterSet if queue.by_case else SubmissionQueueFilterSet
    return filterset(data, items)


class LetterFilterSet(ListFilterSet):
    """The letter list (reviews:letters)."""

    kind = choice_filter("文种", LetterKind.choices, "全部")
    status = choice_filter("状态", LetterStatus.choices, "全部")
    q = search_filter("文号、标题或姓名", "search")

    class Meta:
        model = Letter
        fields = ()

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(number__contains=value) | Q(title__contains=value) | Q(entries__name__contains=value)
        ).distinct()
