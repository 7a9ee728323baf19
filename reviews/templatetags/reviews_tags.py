"""Small pieces of the desk pages show: queue counts (工作台), a case's letters, a row's tally."""

from django import template
from django.utils import timezone

from reviews import selectors

register = template.Library()


@register.inclusion_tag("reviews/_desk_counts_body.html", takes_context=True)
def desk_counts(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"counts": []}
    return {"counts": selectors.queue_counts(user, timezone.localdate())}


@register.inclusion_tag("reviews/_case_letters_body.html")
def case_letters(case):
    return {"letters": selectors.letters_for_case(case), "case": case}


@register.simple_tag
def tally(form, pk, kind):
    """The tally typed or proposed for one row of a decision form (yes, no, abstain)."""
    return form.tally(pk, kind)
