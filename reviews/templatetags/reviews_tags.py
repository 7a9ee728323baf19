"""A small piece the desk pages show: a row's tally."""

from django import template

register = template.Library()


@register.simple_tag
def tally(form, pk, kind):
    """The tally typed or proposed for one row of a decision form (yes, no, abstain)."""
    return form.tally(pk, kind)
