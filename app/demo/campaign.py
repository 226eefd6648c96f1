"""The campaign in ``make run``'s demo: a ministry key, two provinces and their universities at
different progress, so an operator sees a realistic oversight table and daily report at once.

广东 has five universities: one past every target, one flagged below the placement rate and
short of new employers, one half way, one barely started, one that has not linked up; fairs,
visits, hardship cases (some covered, some not) and yesterday's report submitted on time.
江苏 has a platform and two universities and has not submitted yesterday's report (missing).
Everything goes through the same services as the API; loading twice adds nothing twice.
"""

from __future__ import annotations

import random
import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import Database
from app.ingest.pipeline import PartnerRef, prepare, store_batch
from app.models import Job, Partner, StaffUser, Visit, utcnow
from app.services.campaign import BEIJING, province_of, today_in_beijing
from app.services.case_audit import Actor
from app.services.cases import add_pushes, add_record, create_case
from app.services.daily_reports import Submitter, submit
from app.services.fairs import cancel_fair, create_fair, create_series
from app.services.partners import create_partner, issue_key
from app.services.report_snapshots import ReportClock, take_snapshot
from app.services.rules import set_flag, set_rules
from app.services.staff import create_user, update_user
from app.services.visits import create_visit

NATIONAL = ("教育部高校学生司（示例）", "national", None)
PLATFORMS = [("广东省大学生就业创业服务平台（示例）", "provincial_platform", "440000"),
             ("江苏省高校毕业生就业服务平台（示例）", "provincial_platform", "320000")]
# name, region, employers to visit, of them new, open cases, pushes per case, postings pushed
UNIVERSITIES = [
    ("深圳大学就业指导中心（示例）", "440300", 112, 30, 4, 3, 0),
    ("华南理工大学就业指导中心（示例）", "440100", 64, 10, 3, 3, 12),
    ("广东工业大学就业指导中心（示例）", "440100", 41, 38, 5, 1, 8),
    ("韶关学院就业指导中心（示例）", "440200", 9, 2, 2, 0, 4),
    ("嘉应学院就业指导中心（示例）", "441400", 0, 0, 0, 0, 0),
    ("南京大学就业指导中心（示例）", "320100", 57, 12, 2, 3, 6),
    ("苏州大学就业指导中心（示例）", "320500", 23, 5, 1, 1, 0),
]
FLAGGED = "广东工业大学就业指导中心（示例）"
EMPLOYERS = ["科技", "电子", "制造", "物流", "医药", "新能源", "软件", "建设", "食品", "教育科技"]
SIZES = ["large", "medium", "small", "micro", "small", "medium"]
CITIES = {"440000": ["440305", "440106", "440604", "441900"], "320000": ["320106", "320505", "320214"]}


def _partner(db: Database, settings: Settings, name: str, kind: str, region: str | None) -> tuple[Partner, str]:
    with db.write() as session:
        partner = session.execute(select(Partner).where(Partner.name == name)).scalar_one_or_none()
        if partner is None:
            partner, key = create_partner(session, name=name, kind=kind, region_code=region,
                                          secret=settings.secret_key)
        else:
            key = issue_key(session, partner.id, settings.secret_key)
        return partner, key


# The console's demo staff users: (partner name, login, name, role). Passwords are new on each start.
STAFF = [("深圳大学就业指导中心（示例）", "szu.manager", "深大就业中心主任", "manager"),
         ("深圳大学就业指导中心（示例）", "szu.viewer", "深大就业中心干事", "viewer"),
         (PLATFORMS[0][0], "gd.editor", "广东省平台值班员", "editor"),
         (NATIONAL[0], "moe.viewer", "教育部工作人员", "viewer")]


def demo_staff(db: Database) -> list[dict[str, str]]:
    """Create (or reset the password of) the demo staff users; their fresh credentials for the banner."""
    out = []
    now = utcnow()
    with db.write() as session:
        for partner_name, login, name, role in STAFF:
            partner = session.execute(select(Partner).where(Partner.name == partner_name)).scalar_one()
            password = secrets.token_urlsafe(9)
            user = session.execute(select(StaffUser).where(StaffUser.login == login)).scalar_one_or_none()
            if user is None:
                create_user(session, partner.id, login=login, name=name, role=role, password=password, now=now)
            else:
                update_user(session, user, {"password": password, "role": role, "disabled": False}, now)
            out.append({"partner": partner_name, "kind": partner.kind, "login": login, "password": password,
                        "role": role})
    return out


def _open_jobs(session: Session, province: str, n: int) -> list[str]:
    rows = session.execute(select(Job.id, Job.locations).where(Job.status == "open").order_by(Job.id).limit(2000))
    return [jid for jid, locs in rows
            if any(province_of(loc.get("region_code")) == province for loc in locs or ())][:n]


def _seed_university(db: Database, uni: Partner, spec: tuple[Any, ...], postings: list[dict[str, Any]],
                     rng: random.Random, today: date) -> None:
    name, region, employers, new, cases, pushes, pushed = spec
    province = province_of(region) or ""
    if pushed:  # link-up: a few postings through the road in
        items = [prepare({**p, "external_id": f"{uni.id[-6:]}-{i}"}, region, fts=db.sqlite)
                 for i, p in enumerate(postings[:pushed])]
        with db.write() as session:
            store_batch(session, PartnerRef(uni.id, uni.kind), items)
    now = utcnow()
    with db.write() as session:
        for i in range(employers):
            when = datetime.combine(today - timedelta(days=rng.randint(0, 40)), time(10, 0), BEIJING)
            create_visit(session, uni.id, {
                "employer_name": f"{name[:4]}{EMPLOYERS[i % len(EMPLOYERS)]}合作单位{i:03d}有限公司",
                "visited_at": when, "leader_name": ["王校长", "李书记", "张副校长"][i % 3],
                "leader_title": ["校长", "党委书记", "副校长"][i % 3], "region_code": rng.choice(CITIES[province]),
                "jobs_promised": rng.randint(0, 12), "notes": None, "credit_code": None,
                "new_employer": i < new, "employer_size": SIZES[i % len(SIZES)]}, now)
        jobs = _open_jobs(session, province, 12)
        actor = Actor("partner", uni.id)
        for c in range(cases):
            case = create_case(session, uni, {
                "student_ref": f"DEMO-{c + 1:03d}", "category": ["low_income", "disabled", "hvc_expansion",
                                                                  "zero_employment_family", "training_participant"][c % 5],
                "education": "bachelor", "major": "计算机科学与技术", "region_codes": [province], "job_types": [],
                "plan": {"text": "每周一次就业指导，优先推荐本地岗位", "goals": ["完成简历", "参加两场招聘会"]}}, now, actor)
            n = pushes - 2 * (c % 3 == 2)  # every third case is short
            if jobs and n > 0:
                add_pushes(session, case, jobs[c: c + n], now, actor)
            add_record(session, case, {"kind": "training", "occurred_on": today - timedelta(days=3),
                                       "program": "宏志助航计划", "note": "完成线上课程"}, now, actor)
        if employers and jobs:
            start = datetime.combine(today - timedelta(days=1), time(9, 0), BEIJING)
            create_fair(session, uni.id, {
                "title": f"{name[:4]}2026届春季双选会", "kind": "campus", "mode": "offline", "region_code": region,
                "venue": "体育馆", "starts_at": start, "ends_at": start + timedelta(hours=6),
                "description": "百日冲刺校园专场", "job_ids": jobs[:6],
                "employers": [{"name": f"示例参会企业{i}", "size": SIZES[i % len(SIZES)]} for i in range(8)]}, now)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), BEIJING)


def _seed_fairs(db: Database, national: Partner, guangdong: Partner, jiangsu: Partner, today: date) -> None:
    """Fairs of every kind and mode: a national online industry fair, a series with a main venue
    and five sub-venues, an alliance fair, a hybrid regional one, a cancelled one and a past one."""
    now = utcnow()
    employers = [{"name": f"示例{EMPLOYERS[i]}有限公司", "size": SIZES[i % len(SIZES)], "booth": f"A-{i + 1:02d}"}
                 for i in range(6)]
    with db.write() as session:
        gd_jobs, js_jobs = _open_jobs(session, "440000", 30), _open_jobs(session, "320000", 10)

        def fair(organiser: Partner, **spec: Any) -> Any:
            start = spec.pop("start")
            base = {"venue": None, "address": None, "url": None, "description": None, "job_ids": [],
                    "employers": [], "ends_at": start + timedelta(hours=spec.pop("hours", 6))}
            return create_fair(session, organiser.id, {**base, **spec, "starts_at": start}, now)

        fair(national, title="全国高校毕业生信息技术行业线上专场招聘会", kind="industry", mode="online",
             region_code="000000", industry="I", url="https://fair.example.gov.cn/room/it-2026",
             start=_at(today + timedelta(days=3), 9), hours=48, description="信息技术行业委员会主办，全国毕业生均可参加。",
             job_ids=gd_jobs[:8], employers=employers[:4])
        fair(national, title="全国高校毕业生制造业线上专场招聘会", kind="industry", mode="online", region_code="000000",
             industry="C", url="https://fair.example.gov.cn/room/mfg-2026", start=_at(today + timedelta(days=9), 9),
             hours=72, job_ids=js_jobs[:4])
        series = create_series(session, guangdong.id, {
            "title": "2026届广东高校毕业生春季校园招聘系列活动",
            "description": "一个主会场、五个分会场，同步举办。"}, now)
        fair(guangdong, title="春季校园招聘系列活动·主会场（广州）", kind="regional", mode="hybrid",
             region_code="440106", venue="广州国际采购中心", address="广州市天河区", series_id=series.id,
             series_role="main", url="https://www.gdjy.example.gov.cn/live", start=_at(today + timedelta(days=5), 9),
             job_ids=gd_jobs[8:16], employers=employers)
        for i, (city, name) in enumerate([("440305", "深圳"), ("440604", "佛山"), ("441900", "东莞"),
                                          ("440203", "韶关"), ("441402", "梅州")]):
            fair(guangdong, title=f"春季校园招聘系列活动·{name}分会场", kind="campus" if i % 2 else "regional",
                 mode="offline", region_code=city, venue=f"{name}市人才市场", series_id=series.id, series_role="sub",
                 start=_at(today + timedelta(days=5), 9 + i % 2), job_ids=gd_jobs[16 + 2 * i:18 + 2 * i])
        fair(jiangsu, title="长三角高校就业联盟双选会", kind="alliance", mode="offline", region_code="320100",
             venue="南京国际博览中心", start=_at(today + timedelta(days=12), 9), job_ids=js_jobs[4:8],
             employers=employers[2:])
        cancelled = fair(jiangsu, title="苏州市区域专场招聘会（已取消）", kind="regional", mode="offline",
                         region_code="320505", venue="苏州国际博览中心", start=_at(today + timedelta(days=7), 13))
        cancel_fair(cancelled, now)
        fair(guangdong, title="2025届秋季线上双选会", kind="regional", mode="online", region_code="440000",
             url="https://www.gdjy.example.gov.cn/autumn", start=_at(today - timedelta(days=60), 9), hours=72)


def load_campaign_demo(db: Database, settings: Settings, postings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Create (or reuse) the campaign's demo partners and their records; their keys for the banner."""
    rng = random.Random(24365)
    out = []
    national, key = _partner(db, settings, *NATIONAL)
    out.append({"id": national.id, "name": national.name, "kind": national.kind, "api_key": key, "postings": {}})
    platforms = {}
    for spec in PLATFORMS:
        platform, key = _partner(db, settings, *spec)
        platforms[spec[2]] = platform
        out.append({"id": platform.id, "name": platform.name, "kind": platform.kind, "api_key": key, "postings": {}})
    with db.read() as session:
        seeded = session.execute(select(func.count()).select_from(Visit)).scalar_one() > 0
    today = today_in_beijing(utcnow())
    for school in UNIVERSITIES:
        uni, key = _partner(db, settings, school[0], "university", school[1])
        out.append({"id": uni.id, "name": uni.name, "kind": uni.kind, "api_key": key, "postings": {}})
        if not seeded:
            _seed_university(db, uni, school, postings, rng, today)
    if seeded:
        return out
    now = utcnow()
    guangdong = platforms["440000"]
    _seed_fairs(db, national, guangdong, platforms["320000"], today)
    with db.write() as session:
        set_rules(session, "national", "", {"visit_employers": 100, "new_employers": 100, "case_pushes": 3},
                  province=None, by_partner_id=national.id, now=now)
        set_rules(session, "province", "440000", {"visit_employers": 110}, province="440000",
                  by_partner_id=guangdong.id, now=now)
        flagged = session.execute(select(Partner).where(Partner.name == FLAGGED)).scalar_one()
        set_flag(session, flagged.id, True, by_partner_id=guangdong.id, now=now)
    clock = ReportClock(settings.report_snapshot_at, settings.report_cutoff)
    yesterday = today - timedelta(days=1)
    with db.write() as session:  # 广东 submitted yesterday's report 40 minutes before the cut-off; 江苏 did not
        submit(session, "440000", yesterday, "今日全省高校开展访企拓岗活动，举办校园专场招聘会，重点帮扶困难群体毕业生。",
               ["深圳大学访企拓岗已超额完成", "广东工业大学新开拓用人单位进度偏慢，已督促"],
               Submitter(guangdong.id), clock, clock.deadline(yesterday) - timedelta(minutes=40))
        take_snapshot(session, yesterday, clock, now)
    return out
