# The production image: the web app under gunicorn, also used for the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# WeasyPrint's Pango and HarfBuzz, the fonts the PDFs name, gettext for compilemessages.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-dejavu-extra gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# The runtime dependencies of pyproject.toml, at the exact versions of the lock
# (the lock also holds the test tools, which the image does not need).
COPY pyproject.toml requirements.lock ./
RUN python -m venv /opt/venv \
    && pip install --no-cache-dir uv==0.13.9 \
    && uv pip install --no-cache -c requirements.lock -r pyproject.toml

COPY . .

# Static files (whitenoise serves them, compressed, with hashed names) and translations,
# built into the image. The key and database here exist only for these two commands.
RUN DEBUG=false SECRET_KEY=build-only-not-a-secret DATABASE_URL=sqlite:////tmp/build.sqlite3 \
       python manage.py collectstatic --no-input -v0 \
    && DEBUG=false SECRET_KEY=build-only-not-a-secret DATABASE_URL=sqlite:////tmp/build.sqlite3 \
       python manage.py compilemessages --ignore=.venv -v0 \
    && rm -f /tmp/build.sqlite3 \
    # Byte-compiled once here: with PYTHONDONTWRITEBYTECODE each worker would compile every
    # module it imports at each start (WeasyPrint alone: 5-6 s from source, 0.5 s compiled).
    && python -m compileall -q /opt/venv /app \
    && useradd --system --uid 1000 --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p /app/var/media /var/lib/celerybeat \
    && chown -R app:app /app/var /var/lib/celerybeat

USER app
EXPOSE 8000

# Without a proxy in front, nothing a client sends decides its address or scheme: the app
# reads no forwarding header (TRUSTED_PROXY_COUNT=0) and gunicorn trusts X-Forwarded-Proto
# only from the container itself. Behind a proxy, set both (docker-compose.yml does).
ENV TRUSTED_PROXY_COUNT=0 \
    FORWARDED_ALLOW_IPS=127.0.0.1,::1

# WEB_CONCURRENCY (gunicorn's own variable) sets the number of workers;
# --forwarded-allow-ips defaults to FORWARDED_ALLOW_IPS.
CMD ["gunicorn", "primero_ro.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--timeout", "60"]
