# Một Cửa's production image: web (gunicorn), worker and beat all run from it.
# docker compose up  — see docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's libraries and the fonts the PDF letters use.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --create-home --uid 10001 motcua
WORKDIR /app

# Dependencies first, so a code change does not reinstall them: exactly the pinned,
# hash-checked versions of requirements/lock.txt (scripts/lock), then the project alone.
COPY requirements/lock.txt requirements/lock.txt
RUN pip install --require-hashes -r requirements/lock.txt
COPY . .
RUN pip install --no-deps .

# Static files are collected into the image (whitenoise serves them); the throw-away key
# only lets the settings load, nothing is signed with it.
RUN SECRET_KEY=collectstatic-only-not-a-secret DEBUG=false VAR_DIR=/app/var \
        python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /app/var/media \
    && chown -R motcua:motcua /app/var

ENV VAR_DIR=/app/var
USER motcua
EXPOSE 8000
# Logging, timeouts and the access log without query strings: deploy/gunicorn.conf.py.
CMD ["gunicorn", "portal.wsgi:application", "--config", "deploy/gunicorn.conf.py"]
