# cabinet-bot: one image for every command (`run`, `web`, `worker`, `migrate`, `sandbox`,
# `broadcast`); the command is the container's argument, e.g. `docker run IMAGE web`.
#
# builder: uv installs the locked dependencies (a layer that changes only with uv.lock), then
#          the project itself as a wheel (not editable), into /app/.venv.
# runtime: python:3.11-slim with that .venv only. The wheel carries everything the program reads
#          at run time: locales/, assets/fonts, storage/migrations, cabinet/openapi.yaml
#          (pyproject.toml, [tool.hatch.build.targets.wheel]); alembic.ini is for developers.
#
# uv is pinned to the minor version that wrote uv.lock (lock revision 5): an older uv may not
# read it. The build needs no BuildKit features.

ARG PYTHON_IMAGE=python:3.11-slim

FROM ghcr.io/astral-sh/uv:0.13 AS uv

FROM ${PYTHON_IMAGE} AS builder
COPY --from=uv /uv /usr/local/bin/uv
# The image's own Python (never a downloaded one: the runtime stage has the same path), the
# venv where the runtime stage expects it, byte-code compiled once here.
ENV UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1
WORKDIR /src
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN uv sync --frozen --no-dev --no-editable \
    && cd / && /app/.venv/bin/python -c "import bot.i18n, bot.reports, storage.migrate, sandbox.cabinet.schema as s; \
assert all(p.exists() for p in (bot.i18n.LOCALES_DIR / 'ru', bot.reports.FONTS / 'DejaVuSans.ttf', \
storage.migrate.MIGRATIONS / 'versions', s.CONTRACT_PATH)), 'a data file is missing from the wheel'"

FROM ${PYTHON_IMAGE} AS runtime
# tzdata: the users' time zones (Europe/Moscow by default). APT_PACKAGES: what a `command:`
# signer or verifier needs, e.g. --build-arg APT_PACKAGES="openssl libengine-gost-openssl"
# (or build FROM this image and add CryptoPro).
ARG APT_PACKAGES=""
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tzdata ${APT_PACKAGES} \
    && rm -rf /var/lib/apt/lists/*
# A system user with no shell and no home of its own; it can write var/ (the SQLite file of
# `cabinet-bot run` on embedded storage) and nothing else: the code belongs to root.
RUN useradd --system --user-group --no-create-home --home-dir /app --shell /usr/sbin/nologin cabinet
WORKDIR /app
COPY --from=builder /app/.venv /app/.venv
RUN mkdir /app/var && chown cabinet:cabinet /app/var
ENV PATH="/app/.venv/bin:${PATH}" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    WEB_HOST=0.0.0.0 \
    WEB_PORT=8080 \
    LOG_FORMAT=json
USER cabinet
EXPOSE 8080
# `web` and `worker` drain on SIGTERM within 10 s: give them 15 s before SIGKILL
# (docker stop -t 15, stop_grace_period: 15s, terminationGracePeriodSeconds).
STOPSIGNAL SIGTERM
# Liveness of `run`, `web` and `worker` (/healthz on WEB_PORT). `migrate` exits before it
# matters; `sandbox` listens elsewhere, its compose service has its own check.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('WEB_PORT', '8080') + '/healthz', timeout=4)"]
ENTRYPOINT ["cabinet-bot"]
CMD ["run"]
