# A small image that runs `hub serve`. Build: docker build -t hub24365 .
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HUB_HOST=0.0.0.0 HUB_PORT=8000 HUB_ENV=production
RUN useradd --system --home /srv/hub hub && mkdir -p /srv/hub && chown hub /srv/hub
COPY --from=build /install /usr/local
WORKDIR /srv/hub
COPY alembic ./alembic
COPY app ./app
USER hub
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)" || exit 1
CMD ["hub", "serve"]
