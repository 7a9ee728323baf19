from django.core.paginator import Paginator

PAGE_SIZE = 50


def client_ip(request) -> str | None:
    # Behind a reverse proxy the deployment sets REMOTE_ADDR correctly (gunicorn --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR")


def actor_for(request):
    from cases.services import Actor

    return Actor(user=request.user, ip=client_ip(request))


def paginate(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))
