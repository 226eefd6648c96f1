#!/usr/bin/env bash
# Vendor the API documentation pages' assets (Swagger UI, ReDoc) from pinned npm packages into
# app/apidocs/static/, so /docs and /redoc work offline and load nothing from a CDN.
# Run by hand to upgrade them (change the versions here); the files are committed.
set -euo pipefail
cd "$(dirname "$0")/.."
SWAGGER_UI=5.36.0   # npm swagger-ui-dist (Apache-2.0)
REDOC=2.5.4         # npm redoc (MIT); 3.x changed its standalone bundle
out=app/apidocs/static
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "swagger-ui-dist@$SWAGGER_UI" "redoc@$REDOC" >/dev/null)
mkdir -p "$tmp/s" "$tmp/r" "$out"
tar xzf "$tmp/swagger-ui-dist-$SWAGGER_UI.tgz" -C "$tmp/s"
tar xzf "$tmp/redoc-$REDOC.tgz" -C "$tmp/r"
cp "$tmp/s/package/swagger-ui-bundle.js" "$tmp/s/package/swagger-ui.css" "$out/"
cp "$tmp/s/package/LICENSE" "$out/swagger-ui.LICENSE.txt"
cp "$tmp/r/package/bundles/redoc.standalone.js" "$out/"
cp "$tmp/r/package/LICENSE" "$out/redoc.LICENSE.txt"
printf 'swagger-ui-dist %s\nredoc %s\n' "$SWAGGER_UI" "$REDOC" > "$out/VERSIONS.txt"
echo "vendored swagger-ui-dist $SWAGGER_UI and redoc $REDOC into $out"
