#!/bin/sh
# Container entry point (see Dockerfile, which sets DJANGO_ENV=production): refuse to start without a
# real secret key. The settings themselves refuse a missing, default or weak key in production
# (config/settings/base.py); loading them here gives one clear line instead of a traceback per process.
# Nothing here creates users: the production image never builds the demo (seed_demo refuses).
set -eu
if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
    echo "DJANGO_SECRET_KEY is not set: refusing to start (set it in the environment or in .env)" >&2
    exit 1
fi
python - <<'PY'
import sys

import django
from django.core.exceptions import ImproperlyConfigured

try:
    django.setup()
except ImproperlyConfigured as exc:
    sys.exit(f"refusing to start: {exc}")
PY
exec "$@"
