# 发展党员全程纪实 — one image for web (gunicorn), worker (celery worker) and beat (celery beat).
# Everything the product needs at run time is inside: vendored CSS/JS, CJK fonts for the PDF letters.
# DJANGO_ENV=production: starting this image is a production start — the settings refuse a missing,
# default or weak DJANGO_SECRET_KEY, HTTPS-only settings are on, and seed_demo refuses to run
# (the image never creates demo users).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_ENV=production \
    DJANGO_SETTINGS_MODULE=config.settings.base \
    DJANGO_VAR_DIR=/app/var \
    DJANGO_MEDIA_ROOT=/app/var/media

# fonts-noto-cjk: Chinese in the WeasyPrint letters (without it every Han character is a box).
# pango / harfbuzz-subset: WeasyPrint's system libraries. poppler-utils: pdftotext/pdffonts checks.
# postgresql-client: pg_dump / pg_restore / psql for manage.py backup_data and restore_data.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first (a layer that changes only with pyproject.toml). The project itself runs from
# /app (its settings find templates/ and static/ next to config/), so the installed copy is removed.
COPY pyproject.toml ./
RUN pip install . && pip uninstall -y dangyuan-jishi

COPY . .
RUN useradd --system --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p /app/var/media \
    && DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
        python manage.py collectstatic --noinput -v 0 \
    && chown -R app:app /app/var \
    && chmod +x scripts/docker-entrypoint.sh

USER app
EXPOSE 8000
ENTRYPOINT ["scripts/docker-entrypoint.sh"]
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
