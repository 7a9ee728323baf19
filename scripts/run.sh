#!/usr/bin/env bash
# `make run` after scripts/setup.sh: migrate, collect static files, seed the demo, then run
# web (gunicorn), a Celery worker and Celery beat in the foreground. Ctrl-C stops all three;
# if one of them dies, the others are stopped too.
#
# Without DATABASE_URL / REDIS_URL: SQLite and Celery's filesystem transport under var/.
# With them (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangyuan REDIS_URL=redis://127.0.0.1:6379/0)
# the same processes run on PostgreSQL and Redis.
#
# The demo county and its logins (admin / demo12345 …) are created only on the embedded SQLite
# database; on the database of DATABASE_URL only when DEMO=1 is set.
# The web listens on 127.0.0.1 only; HOST=0.0.0.0 serves other machines (then set DJANGO_ALLOWED_HOSTS).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WEB_WORKERS=${WEB_WORKERS:-3}
LOGINS=var/demo-logins.txt
export PYTHONUNBUFFERED=1
mkdir -p var

echo "==> migrate"
$BIN/python manage.py migrate --noinput
echo "==> collectstatic"
$BIN/python manage.py collectstatic --noinput -v 0
seed_args=()
if [[ ${DEMO:-} == 1 ]]; then
    seed_args+=(--allow-any-database)
fi
echo "==> seed_demo"
if ! $BIN/python manage.py seed_demo "${seed_args[@]}" | tee "$LOGINS"; then
    echo "==> no demo data (seed_demo refused, see above); starting without it" >&2
    rm -f "$LOGINS"
fi

pids=()
stop_all() {
    trap - EXIT
    # A second Ctrl-C while stopping: do not wait for a graceful shutdown.
    trap 'echo "==> killing web, worker and beat" >&2; kill -KILL "${pids[@]}" 2>/dev/null' INT TERM
    if ((${#pids[@]})); then
        echo "==> stopping web, worker and beat"
        kill -TERM "${pids[@]}" 2>/dev/null || true
        for pid in "${pids[@]}"; do
            while kill -0 "$pid" 2>/dev/null; do wait "$pid" 2>/dev/null || true; done
        done
    fi
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Each process's output is prefixed with its name; $! is the process itself, not the sed.
# The sed ignores Ctrl-C so that the shutdown messages still get through; it ends with its input.
start() {
    local name=$1
    shift
    "$@" > >(trap '' INT TERM && exec sed -u "s/^/[$name] /") 2>&1 &
    pids+=($!)
}
start web $BIN/gunicorn config.wsgi:application --bind "$HOST:$PORT" --workers "$WEB_WORKERS" \
    --access-logfile - --graceful-timeout 10
start worker $BIN/celery -A config worker -l info --concurrency 2
start beat $BIN/celery -A config beat -l info

# Wait until the web answers, then say where it is.
probe_host=$HOST
if [[ $HOST == 0.0.0.0 ]]; then
    probe_host=127.0.0.1
fi
url="http://$probe_host:$PORT/"
for _ in $(seq 60); do
    kill -0 "${pids[0]}" 2>/dev/null || break
    if $BIN/python - "$url" <<'PY' 2>/dev/null; then
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(sys.argv[1] + "login/", timeout=2)
except urllib.error.HTTPError:
    pass  # any HTTP answer means gunicorn is up
PY
        cat <<MSG

============================================================
 发展党员全程纪实 is running: $url
 (listening on $HOST:$PORT; to serve other machines: HOST=0.0.0.0 and DJANGO_ALLOWED_HOSTS)
 Ctrl-C stops web, worker and beat.
MSG
        if [[ -s $LOGINS ]]; then
            echo " Demo logins (all of seed_demo's output is in $LOGINS):"
            if grep -q '演示账号' "$LOGINS"; then
                sed -n '/演示账号/,$p' "$LOGINS" | sed 's/^/   /'
            else
                sed 's/^/   /' "$LOGINS"
            fi
        fi
        echo "============================================================"
        break
    fi
    sleep 0.5
done

# Run until Ctrl-C or until one of the three exits.
set +e
wait -n "${pids[@]}"
rc=$?
echo "==> a process exited (status $rc); stopping the others" >&2
exit "$rc"
