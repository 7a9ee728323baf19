#!/bin/sh
# Container entry point (see Dockerfile): refuse to start without a real secret key.
set -eu
if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
    echo "DJANGO_SECRET_KEY is not set: refusing to start (set it in the environment or in .env)" >&2
    exit 1
fi
exec "$@"
