from django.core.paginator import Paginator

PAGE_SIZE = 50


def client_ip(request) -> str | None:
    # Behind a reverse proxy the deployment sets REMOTE_ADDR correctly (gunicorn --forwarded-allow-ips).
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
