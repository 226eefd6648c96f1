from typing import Any


def test_smoke(make_staff: Any, browser_for: Any) -> None:
    uni = make_staff("university")
    b = browser_for(uni)
    r = b.get("/console/university")
    assert r.status_code == 200, r.text
    for path in ("/console/university/visits", "/console/university/cases", "/console/university/cases/new",
                 "/console/university/coverage", "/console/university/audit", "/console/university/fairs"):
        r = b.get(path)
        assert r.status_code == 200, (path, r.text[:3000])
    prov = make_staff("provincial_platform")
    p = browser_for(prov)
    for path in ("/console/province", "/console/province/report", "/console/province/linkup"):
        r = p.get(path)
        assert r.status_code == 200, (path, r.text[:3000])
    moe = make_staff("national")
    m = browser_for(moe)
    for path in ("/console/ministry", "/console/ministry/trends", "/console/ministry/map",
                 "/console/ministry/provinces/440000", "/console/ministry/map?by=report"):
        r = m.get(path)
        assert r.status_code == 200, (path, r.text[:3000])
