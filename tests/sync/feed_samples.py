"""Small sample documents of every format, good and hostile: name -> (body, content type)."""

from __future__ import annotations

import json

POSTING = {
    "external_id": "JOB-17", "title": "Java开发工程师",
    "employer": {"name": "深圳市某某科技有限公司", "credit_code": "91440300MA5XXXXX0X",
                 "type": "private"},
    "locations": [{"region_code": "440305", "city": "深圳市", "address": "南山区科技园"}],
    "description": "<p>负责<b>后端</b>开发</p>", "job_type": "full_time", "education": "本科",
    "majors": ["计算机科学与技术"], "industry": "I",
    "salary": {"min": 8000, "max": 12000, "period": "month"}, "headcount": 5,
    "posted_at": "2022-05-09T09:00:00+08:00", "valid_through": "2022-06-30T23:59:59+08:00",
    "apply_url": "https://jobs.example.cn/apply/17", "url": "https://jobs.example.cn/17",
    "tags": ["五险一金"],
}
FEED_JSON = {"postings": [POSTING, {"id": 18, "title": "测试工程师", "employer": "某公司",
                                    "locations": "深圳-南山区", "salary": "8k-12k/月",
                                    "unknown_key": "dropped", "headcount": None}],
             "next": "/samples/page2.json"}
PAGE2_JSON = {"items": [{"guid": "JOB-19", "title": "运维工程师", "employer": {"name": "某公司"}}],
              "links": {"next": None}}

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:job="https://hub24365.example/ns/job" xmlns:atom="http://www.w3.org/2005/Atom">
<channel><title>某大学就业网</title><link>https://career.example.edu.cn/</link>
<atom:link rel="next" href="https://career.example.edu.cn/rss?page=2"/>
<item><title>Java开发工程师</title><link>https://career.example.edu.cn/job/1</link>
<guid isPermaLink="false">EDU-1</guid>
<description>&lt;p&gt;负责&lt;b&gt;后端&lt;/b&gt;开发&lt;/p&gt;</description>
<pubDate>Mon, 09 May 2022 01:00:00 GMT</pubDate>
<job:company>深圳市某某科技有限公司</job:company><job:city>深圳市</job:city>
<job:salaryMin>8000</job:salaryMin><job:salaryMax>12000</job:salaryMax>
<job:salaryPeriod>month</job:salaryPeriod><job:education>本科</job:education>
<category domain="jobtype">全职</category><category>计算机</category></item>
<item><title>实习生</title><link>https://career.example.edu.cn/job/2</link>
<category domain="employer">某公司</category><category domain="location">广州</category></item>
<item><link>https://career.example.edu.cn/job/3</link><description>no title</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:job="urn:hub24365:job">
<title>Jobs</title><id>urn:uuid:feed</id><updated>2022-05-10T09:00:00+08:00</updated>
<link rel="next" href="/atom?page=2"/>
<entry><id>tag:career.example.cn,2022:job-1</id><title>算法工程师</title>
<link href="/jobs/1"/><published>2022-05-09T09:00:00+08:00</published>
<updated>2022-05-10T09:00:00+08:00</updated>
<content type="html">&lt;p&gt;机器学习&lt;/p&gt;</content>
<job:employer>某某研究院</job:employer><job:regionCode>110108</job:regionCode>
<job:headcount>3</job:headcount><category term="北京" scheme="location"/></entry>
</feed>"""

INDEED_XML = """<?xml version="1.0" encoding="utf-8"?>
<source><publisher>某省就业平台</publisher><publisherurl>https://jobs.example.gov.cn</publisherurl>
<job><title><![CDATA[Java开发工程师]]></title><date><![CDATA[2022-05-09 09:00:00]]></date>
<referencenumber><![CDATA[GD-0001]]></referencenumber>
<url><![CDATA[https://jobs.example.gov.cn/job/1]]></url>
<company><![CDATA[深圳市某某科技有限公司]]></company><city><![CDATA[深圳]]></city>
<state><![CDATA[广东省]]></state><country><![CDATA[CN]]></country>
<description><![CDATA[<p>负责后端开发</p>]]></description><salary><![CDATA[8千-1.2万/月]]></salary>
<education><![CDATA[本科]]></education><jobtype><![CDATA[fulltime]]></jobtype></job>
<job><title>测试工程师</title><referencenumber>GD-0002</referencenumber>
<company>某公司</company><city>广州</city></job>
<job><referencenumber>GD-0003</referencenumber><company>无标题公司</company></job>
</source>"""

CSV_TEXT = ("title,employer.name,locations.city,salary,education,url,external_id\n"
            "Java开发工程师,深圳市某某科技有限公司,深圳,8k-12k/月,本科,https://x.example.cn/1,C1\n"
            "\n"
            ",没有标题的公司,深圳,,,,C2\n"
            "测试工程师,某公司,\"广州,天河\",面议,大专,https://x.example.cn/3,C3,extra\n"
            "运维工程师,某公司,北京,,,,C4\n")

JSONLD_POSTING = {
    "@context": "https://schema.org/", "@type": "JobPosting", "title": "数据分析师",
    "identifier": {"@type": "PropertyValue", "name": "某某集团", "value": "DA-2022-01"},
    "hiringOrganization": {"@type": "Organization", "name": "某某集团有限公司",
                           "taxID": "91110000100000000X"},
    "jobLocation": [{"@type": "Place", "address": {
        "@type": "PostalAddress", "addressRegion": "广东省", "addressLocality": "深圳市",
        "streetAddress": "南山区科技园"}}],
    "baseSalary": {"@type": "MonetaryAmount", "currency": "CNY", "value": {
        "@type": "QuantitativeValue", "minValue": 10000, "maxValue": 15000, "unitText": "MONTH"}},
    "datePosted": "2022-05-09", "validThrough": "2022-06-30T00:00:00+08:00",
    "employmentType": ["FULL_TIME"],
    "educationRequirements": {"@type": "EducationalOccupationalCredential",
                              "credentialCategory": "bachelor degree"},
    "description": "<p>负责数据分析&amp;报表</p><ul><li>SQL</li></ul>",
    "url": "https://careers.example.cn/jobs/da-2022-01",
}
JSONLD_INTERN = {"@type": "JobPosting", "name": "暑期实习生", "employmentType": "INTERN",
                 "hiringOrganization": "某某集团有限公司", "url": "/jobs/intern",
                 "baseSalary": {"@type": "MonetaryAmount", "value": {
                     "@type": "QuantitativeValue", "value": 200, "unitText": "DAY"}}}
JOBS_HTML = f"""<!doctype html><html><head><title>招聘</title>
<script type="application/ld+json">{json.dumps({"@type": "Organization", "name": "某某集团"})}</script>
<script type="application/ld+json">{json.dumps(JSONLD_POSTING, ensure_ascii=False)}</script>
<script type="application/ld+json">{{ this is not json </script>
<script type="application/ld+json">{json.dumps({"@context": "https://schema.org", "@type": "ItemList",
    "itemListElement": [{"@type": "ListItem", "position": 1, "item": JSONLD_INTERN}]},
    ensure_ascii=False)}</script>
<script>var x = 1;</script></head><body><h1>招聘</h1></body></html>"""

GREENHOUSE = {"jobs": [
    {"id": 4012345, "title": "Software Engineer, Shanghai", "updated_at": "2022-05-09T09:00:00-04:00",
     "absolute_url": "https://boards.greenhouse.io/example/jobs/4012345",
     "location": {"name": "Shanghai, China"}, "departments": [{"name": "Engineering"}],
     "content": "&lt;p&gt;Build &lt;strong&gt;things&lt;/strong&gt; &amp;amp; more&lt;/p&gt;"},
    {"id": 4012346, "absolute_url": "https://boards.greenhouse.io/example/jobs/4012346"},
], "meta": {"total": 2}}
LEVER = [
    {"id": "5ac21346-8e0c-4494-8e7a-3eb92ff77902", "text": "Data Engineer (Beijing)",
     "hostedUrl": "https://jobs.lever.co/example/5ac21346",
     "applyUrl": "https://jobs.lever.co/example/5ac21346/apply",
     "categories": {"location": "Beijing", "team": "Data", "commitment": "Full-time"},
     "createdAt": 1652058000000, "descriptionPlain": "Build pipelines.",
     "lists": [{"text": "Requirements", "content": "<li>Python</li><li>SQL</li>"}],
     "salaryRange": {"min": 300000, "max": 450000, "currency": "CNY",
                     "interval": "per-year-salary"}},
    {"id": "intern-1", "text": "Intern", "categories": {"commitment": "Intern"}},
    "not a posting",
]

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<source><job><title>&lol9;</title></job></source>"""
XXE_XML = """<?xml version="1.0"?>
<!DOCTYPE source [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<source><job><title>&xxe;</title><referencenumber>X1</referencenumber></job></source>"""
XXE_RSS = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title><item><title>&xxe;</title>
<guid>X1</guid></item></channel></rss>"""
EXTERNAL_DTD_RSS = """<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "file:///etc/passwd">
<rss version="2.0"><channel><title>t</title><item><title>a</title><guid>X1</guid></item>
</channel></rss>"""


INVALID_UTF8 = (b'[{"id": "U1", "title": "Java' + b"\xff\xfe" + '开发",'
                ' "employer": "某公司"}]'.encode())


def _dump(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


SAMPLES: dict[str, tuple[bytes, str]] = {
    "feed.json": (_dump(FEED_JSON), "application/json"),
    "page2.json": (_dump(PAGE2_JSON), "application/json"),
    "feed.jsonl": (b"\n".join(_dump(p) for p in (POSTING, PAGE2_JSON["items"][0]))
                   + b"\n{broken\n", "application/x-ndjson"),
    "wrong-type.json": (_dump(FEED_JSON), "text/html; charset=iso-8859-1"),
    "invalid-utf8.json": (INVALID_UTF8, "application/json"),
    "feed.rss": (RSS.encode("utf-8"), "application/rss+xml"),
    "feed.atom": (ATOM.encode("utf-8"), "application/atom+xml"),
    "feed.xml": (INDEED_XML.encode("utf-8"), "application/xml"),
    "gbk.xml": (INDEED_XML.replace('encoding="utf-8"', 'encoding="GBK"').encode("gbk"),
                "application/xml"),
    "feed.csv": (CSV_TEXT.encode("utf-8"), "text/csv"),
    "bom.csv": (CSV_TEXT.encode("utf-8-sig"), "text/csv"),
    "gbk.csv": (CSV_TEXT.encode("gbk"), "text/csv"),
    "gb18030.csv": (CSV_TEXT.replace("某公司", "𠀀公司").encode("gb18030"), "text/csv"),
    "jobs.html": (JOBS_HTML.encode("utf-8"), "text/html; charset=utf-8"),
    "posting.jsonld": (_dump(JSONLD_POSTING), "application/ld+json"),
    "greenhouse.json": (_dump(GREENHOUSE), "application/json"),
    "lever.json": (_dump(LEVER), "application/json"),
    "billion-laughs.xml": (BILLION_LAUGHS.encode(), "application/xml"),
    "xxe.xml": (XXE_XML.encode(), "application/xml"),
    "xxe.rss": (XXE_RSS.encode(), "application/rss+xml"),
    "external-dtd.rss": (EXTERNAL_DTD_RSS.encode(), "application/rss+xml"),
}
