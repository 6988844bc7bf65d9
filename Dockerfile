FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext curl \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 brugwerk
WORKDIR /app

# The lock (make lock): exact versions with hashes. The portal itself is not installed: it runs
# from /app.
COPY requirements/pip.txt requirements/main.txt requirements/
RUN pip install --require-hashes -r requirements/pip.txt \
    && pip install --require-hashes -r requirements/main.txt
COPY . .
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=build \
       python manage.py collectstatic --no-input -v 0 \
    && python manage.py compilemessages --ignore=.venv -v 0 \
    && mkdir -p /app/media && chown brugwerk /app/media

USER brugwerk
# 8000: the portal; 8001: the same portal for health probes only (gunicorn.conf.py), so that a
# probe does not wait behind the page requests queued. Publish 8000; 8001 for probes alone.
EXPOSE 8000 8001
CMD ["gunicorn", "-c", "gunicorn.conf.py", "portal.wsgi"]
