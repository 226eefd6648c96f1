# A small image that runs `hub serve` (or `hub worker`). Build: docker build -t hub24365 .
# The source is copied once, into the build stage; the image gets the installed package
# (migrations included: `hub migrate` and `hub serve` find them inside it), pinned by constraints.txt.
FROM python:3.11-slim AS build
WORKDIR /src
COPY . .
RUN pip install --no-cache-dir --disable-pip-version-check --prefix=/install -c constraints.txt .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HUB_HOST=0.0.0.0 HUB_PORT=8000 HUB_ENV=production
RUN useradd --system --home /srv/hub hub && mkdir -p /srv/hub && chown hub /srv/hub
COPY --from=build /install /usr/local
WORKDIR /srv/hub
USER hub
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2)" || exit 1
CMD ["hub", "serve"]
