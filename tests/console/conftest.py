"""Console test helpers: staff users made through the API, and browsers (TestClients) that sign in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from app.config import Settings
from app.services import staff as staff_service
from tests.conftest import ADMIN, ADMIN_TOKEN

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "correct horse battery"


def cheap_hasher() -> PasswordHasher:
    """argon2id with the smallest cost: the tests sign in a lot; production keeps the library's defaults."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staff_service, "hasher", cheap_hasher)


@pytest.fixture
def settings(db_url: str) -> Settings:
    # No sign-in backoff here (it sleeps); its growth is tested on the throttle itself.
    return Settings(env="test", database_url=db_url, admin_token=ADMIN_TOKEN,
                    secret_key="test-secret-key-0123456789", log_json=False, public_url="http://testserver",
                    console_signin_backoff_s=0)


@dataclass
class Person:
    partner_id: str
    api_key: str
    login: str
    user_id: str
    password: str = PASSWORD


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


@pytest.fixture
def make_staff(client: TestClient, make_partner: Any) -> Any:
    """A partner (new, or given by id and key) and a staff user of it, made through the API."""
    counter = iter(range(10_000))

    def _make(kind: str = "university", role: str = "editor", region_code: str | None = None,
              partner: tuple[str, str] | None = None) -> Person:
        pid, key = partner or make_partner(kind, region_code=region_code)
        login = f"{kind[:4]}.{role}.{next(counter)}@example.cn"
        resp = client.post(f"/api/v1/partners/{pid}/staff-users", headers=ADMIN,
                           json={"login": login, "name": f"{role}测试", "role": role, "password": PASSWORD})
        assert resp.status_code == 201, resp.text
        return Person(pid, key, login, resp.json()["id"])

    return _make


class Browser:
    """A TestClient with its own cookies, signed in as one person."""

    def __init__(self, app: Any) -> None:
        self.client = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
        self.client.__enter__()

    def sign_in(self, login: str, password: str = PASSWORD) -> Any:
        form = self.client.get("/console/sign-in")
        assert form.status_code == 200
        return self.client.post("/console/sign-in", data={"csrf_token": csrf_of(form.text), "login": login,
                                                          "password": password, "next": "/console"})

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, **kw)

    def post(self, url: str, data: dict[str, Any] | None = None, *, with_csrf: bool = True) -> Any:
        """Post a form with the session's CSRF token, read from a console page as a browser would."""
        body = dict(data or {})
        if with_csrf:
            body["csrf_token"] = self.csrf()
        return self.client.post(url, data=body)

    def csrf(self) -> str:
        return csrf_of(self.client.get("/console", follow_redirects=True).text)

    def close(self) -> None:
        self.client.__exit__(None, None, None)


@pytest.fixture
def browser_for(app: Any) -> Iterator[Any]:
    made: list[Browser] = []

    def _open(person: Person | None = None) -> Browser:
        b = Browser(app)
        made.append(b)
        if person is not None:
            resp = b.sign_in(person.login, person.password)
            assert resp.status_code == 303, resp.text
        return b

    yield _open
    for b in made:
        b.close()
