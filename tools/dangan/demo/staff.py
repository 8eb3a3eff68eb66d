"""Staff: fourteen people in five departments, a contract administrator and one who has left."""

from __future__ import annotations

from .world import World

PM_REP = ["project_manager", "sales_rep"]
HEAD_PM = ["department_head", "project_manager"]

# id, name, pinyin (e-mail), roles, department, superior, joined, left
STAFF = [
    ("S001", "赵志鸿", "zhaozhihong", ["chairman"], "ld", None, "2010-03-01", None),
    ("S002", "钱卫东", "qianweidong", ["gm"], "ld", "S001", "2010-03-01", None),
    ("S003", "孙丽娟", "sunlijuan", HEAD_PM, "yw1", "S010", "2011-05-09", None),
    ("S004", "李建军", "lijianjun", PM_REP, "yw1", "S003", "2012-04-16", None),
    ("S005", "周海涛", "zhouhaitao", PM_REP, "yw1", "S003", "2016-07-04", None),
    ("S006", "吴婷婷", "wutingting", PM_REP, "yw1", "S003", "2020-03-02", None),
    ("S007", "郑国强", "zhengguoqiang", HEAD_PM, "yw2", "S010", "2011-08-15", None),
    ("S008", "王志刚", "wangzhigang", PM_REP, "yw2", "S007", "2011-09-01", None),
    ("S009", "冯雅琴", "fengyaqin", PM_REP, "yw2", "S007", "2018-06-11", None),
    ("S010", "陈立新", "chenlixin", ["vice_gm", "marketing_head", "sales_director"], "ld", "S002", "2013-02-25", None),
    ("S011", "褚文静", "chuwenjing", ["department_head", "cs_supervisor"], "kf", "S002", "2014-04-08", None),
    ("S012", "卫晓燕", "weixiaoyan", ["customer_service"], "kf", "S011", "2019-09-02", None),
    ("S013", "蒋红梅", "jianghongmei", ["department_head"], "zh", "S002", "2012-02-20", None),
    ("S014", "沈玉兰", "shenyulan", ["archivist", "certificate_keeper"], "zh", "S013", "2012-06-04", None),
    ("S015", "韩明", "hanming", ["contract_admin"], "zh", "S013", "2017-03-13", None),
    ("S016", "杨雪", "yangxue", PM_REP, "yw2", "S007", "2019-07-15", "2025-06-30"),
]
SECOND_EMAIL = {"S003": "sunlj.home@hongyuan.example", "S014": "dangan@hongyuan.example"}
NOTES = {
    "S014": "档案室及保险柜钥匙保管人。",
    "S010": "分管业务的副总经理，兼营销事业部负责人（公司黑名单）和销售总监（客户档案审批确认）。",
    "S016": "2025-06-30 离职；经办项目档案均已归档，名下无客户，无未归还借阅。",
}

ARCHIVIST = "S014"
CONTRACT_ADMIN = "S015"
CUSTOMER_SERVICE = "S012"
CS_SUPERVISOR = "S011"
GM = "S002"
VICE_GM = "S010"
MARKETING_HEAD = SALES_DIRECTOR = "S010"  # the vice GM in charge of the business (seed 004's roles)
CHAIRMAN = "S001"
LEFT = "S016"
HEADS = {"yw1": "S003", "yw2": "S007"}
PROJECT_MANAGERS = {"yw1": ["S003", "S004", "S005", "S006"], "yw2": ["S007", "S008", "S009", "S016"]}


def build_staff(world: World) -> None:
    for sid, name, pinyin, roles, dept, superior, joined, left in STAFF:
        emails = [f"{pinyin}@hongyuan.example"]
        if sid in SECOND_EMAIL:
            emails.append(SECOND_EMAIL[sid])
        data = {"id": sid, "name": name, "roles": list(roles), "department": dept}
        if superior:
            data["superior"] = superior
        data.update({"mobile": world.mobile(), "emails": emails, "joined_on": joined})
        if left:
            data["left_on"] = left
        if sid in NOTES:
            data["note"] = NOTES[sid]
        world.add("staff", data)


def superior(world: World, sid: str) -> str:
    return world.get("staff", sid)["superior"]


def employed(world: World, sid: str, on: str) -> bool:
    person = world.get("staff", sid)
    return person["joined_on"] <= on and (person.get("left_on") is None or on <= person["left_on"])
