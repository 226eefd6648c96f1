"""The console's Chinese labels for the campaign's enumerations and columns."""

from __future__ import annotations

ROLE = {"viewer": "只读", "editor": "编辑", "manager": "管理员"}
KIND = {"university": "高校就业中心", "provincial_platform": "省级就业平台", "national": "教育部"}
CATEGORY = {"low_income": "低收入家庭", "disabled": "残疾", "zero_employment_family": "零就业家庭",
            "hvc_expansion": "高职扩招", "training_participant": "参加就业培训", "other": "其他"}
CASE_STATUS = {"open": "帮扶中", "placed": "已就业", "closed": "已结案"}
RECORD_KIND = {"guidance": "就业指导", "training": "培训", "push": "推送（平台外岗位）", "interview": "面试",
               "outcome": "结果"}
RESULT = {"employed": "已就业", "further_study": "升学", "self_employed": "自主创业", "flexible": "灵活就业",
          "not_yet": "尚未就业", "declined": "暂不就业", "other": "其他"}
SIZE = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}
FAIR_KIND = {"regional": "区域性", "industry": "行业性", "alliance": "联盟性", "campus": "校园专场"}
FAIR_MODE = {"online": "线上", "offline": "线下", "hybrid": "线上线下"}
EDUCATION = {"any": "不限", "secondary": "中专", "associate": "大专", "bachelor": "本科", "master": "硕士",
             "doctorate": "博士"}
JOB_TYPE = {"full_time": "全职", "part_time": "兼职", "internship": "实习", "other": "其他"}
# Report status: words and a symbol, so the state never rests on colour alone.
REPORT_STATUS = {"on_time": ("按时报送", "✓"), "late": ("迟报", "!"), "missing": ("未报送", "✗"),
                 "pending": ("待报送", "…")}
AUDIT_ACTION = {"create": "建档", "read": "查看", "list": "列表", "update": "修改", "push": "推送", "record": "记录",
                "recommend": "查看推荐", "coverage": "查看覆盖", "erase": "删除", "auto_erase": "到期删除"}
SOURCE = {"default": "默认", "national": "教育部", "province": "省级", "province_university": "省级（本校）",
          "university": "本校"}
SERIES = {"postings_received": "共享岗位信息", "new_jobs": "新增岗位", "fairs_held": "招聘会", "visits": "访企次数",
          "pushes": "岗位推送"}
