"""The other side of test_worker_killed.py, run in a subprocess against the database and broker its
environment names (config.settings.base, as the worker sees them):

    python -m tests.reviews.worker_scene world N   migrate, then a committee and N approved cases
    python -m tests.reviews.worker_scene issue     one letter per case, each queued on commit; prints ids
    python -m tests.reviews.worker_scene sweep     the beat job, run as it would run once the lease ran out
"""

import json
import sys


def main(command: str, *args: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from bench.letters_bench import issue, make_world

    if command == "world":
        call_command("migrate", verbosity=0)
        make_world(int(args[0]))
    elif command == "issue":
        from django.contrib.auth import get_user_model

        from cases.models import Meeting, StepRecord

        officer = get_user_model().objects.get(username="bench-officer")
        meeting = Meeting.objects.get()
        records = StepRecord.objects.filter(step="admission_approval").order_by("pk")
        print(json.dumps([issue(officer, meeting, [record]).pk for record in records]))
    elif command == "sweep":
        from django.utils import timezone

        from reviews.services import rescue_stuck_letters
        from reviews.services.render_claims import LEASE

        print(rescue_stuck_letters(now=timezone.now() + LEASE))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(*sys.argv[1:])
