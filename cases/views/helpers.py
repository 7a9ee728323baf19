from django.conf import settings
from django.core.paginator import Paginator

PAGE_SIZE = 50


def client_ip(request) -> str | None:
    """The one answer to "from which address": the audit trail, login lockouts and rate limits.
    Behind the reverse proxy (settings.BEHIND_PROXY), REMOTE_ADDR is the proxy's own: the client is
    the last address the proxy appended to X-Forwarded-For (earlier ones the client could forge)."""
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


def actor_for(request):
    from cases.services import Actor

    return Actor(user=request.user, ip=client_ip(request))


def paginate(request, queryset, size: int = PAGE_SIZE, count_from=None):
    """A page of `queryset`; `count_from` counts without the joins a values() list needs."""
    paginator = Paginator(queryset, size)
    if count_from is not None:
        paginator.__dict__["count"] = count_from.count()  # Paginator.count is a cached_property
    return paginator.get_page(request.GET.get("page"))
