from reminders.selectors import unread_count


def bell(request):
    """The unread count of the top bar's bell: one COUNT per page, lazily (pages that do not draw
    the top bar pay nothing)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    cached = {}

    def count():
        if "n" not in cached:
            cached["n"] = unread_count(user)
        return cached["n"]

    return {"unread_notices": count}
