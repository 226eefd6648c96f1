"""The API documentation pages load only the hub's own files (no CDN, no web fonts), served
compressed and cacheable from the package."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from app.apidocs import ASSETS, STATIC


def test_docs_pages_reference_only_the_hubs_own_files(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        resp = client.get(page)
        assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
        urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", resp.text)
        urls += re.findall(r"""url\s*:\s*['"]([^'"]+)""", resp.text)
        assert urls and all(u.startswith("/") and not u.startswith("//") for u in urls), (page, urls)
        assert "cdn" not in resp.text.lower() and "fonts.googleapis" not in resp.text
    assert '"validatorUrl": null' in client.get("/docs").text  # no call to the public validator


def test_docs_assets_are_served_gzipped_cacheable_and_revalidated(client: TestClient) -> None:
    for name in ASSETS:
        plain = client.get(f"/docs/assets/{name}", headers={"Accept-Encoding": "identity"})
        assert plain.status_code == 200 and plain.content == (STATIC / name).read_bytes()
        assert "immutable" in plain.headers["cache-control"]
        packed = client.get(f"/docs/assets/{name}", headers={"Accept-Encoding": "gzip"})
        assert packed.headers["content-encoding"] == "gzip" and packed.content == plain.content
        again = client.get(f"/docs/assets/{name}", headers={"If-None-Match": plain.headers["etag"]})
        assert again.status_code == 304
    assert client.get("/docs/assets/../../config.py").status_code == 404
    assert client.get("/docs/assets/swagger-ui.js.map").status_code == 404
    assert (STATIC / "VERSIONS.txt").read_text().startswith("swagger-ui-dist ")
