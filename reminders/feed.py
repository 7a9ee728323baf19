"""The personal iCalendar feed (icalendar library): one all-day VEVENT per open deadline the user
answers for or was told about (reminders.selectors.deadlines_for), UID stable per deadline."""

import datetime as dt

from django.conf import settings
from icalendar import Calendar, Event

from cases.models import DeadlineKind

PRODID = "-//发展党员全程纪实//期限提醒//ZH"


def calendar_for(user, deadlines) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "发展党员工作期限")
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    site = settings.REMINDER_SITE_URL.rstrip("/")
    host = site.split("://", 1)[-1].split("/", 1)[0] or "localhost"
    stamp = dt.datetime.now(dt.UTC)
    for d in deadlines:
        event = Event()
        event.add("uid", f"deadline-{d.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", d.due_on)
        event.add("dtend", d.due_on + dt.timedelta(days=1))
        prefix = "可办理：" if d.kind == DeadlineKind.EARLIEST else "到期："
        event.add("summary", f"{prefix}{d.case.person.name} {d.title}")
        event.add("description", f"{d.org.name}\n{d.get_step_display()}")
        event.add("url", f"{site}{d.case.get_absolute_url()}#step-{d.step}")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
