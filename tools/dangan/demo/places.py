"""Fictional addresses, phone numbers and identifiers in real places (codes and postcodes are real)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..identifiers import CREDIT_CHARSET, make_credit_code, make_id_number
from .world import World


@dataclass(frozen=True)
class District:
    province: str
    city: str
    name: str
    code: str  # administrative division code, the first six digits of ID numbers and credit codes
    postcode: str
    area_code: str
    streets: tuple[str, ...]

    @property
    def region(self) -> str:
        return self.city if self.province == self.city else self.province + self.city


NM = "内蒙古自治区"
HOHHOT = ("新华大街", "中山西路", "锡林郭勒南路", "昭乌达路", "成吉思汗大街", "大学西街", "海拉尔东路", "鄂尔多斯大街")
BAOTOU = ("钢铁大街", "阿尔丁大街", "建设路", "民族东路", "黄河大街", "青年路")
DISTRICTS = {
    "hs_xc": District(NM, "呼和浩特市", "新城区", "150102", "010050", "0471", HOHHOT),
    "hs_hm": District(NM, "呼和浩特市", "回民区", "150103", "010030", "0471", HOHHOT),
    "hs_yq": District(NM, "呼和浩特市", "玉泉区", "150104", "010020", "0471", HOHHOT),
    "hs_sh": District(NM, "呼和浩特市", "赛罕区", "150105", "010020", "0471", HOHHOT),
    "hs_tz": District(NM, "呼和浩特市", "土默特左旗", "150121", "010100", "0471", ("察素齐镇新建街", "台阁牧镇迎宾路")),
    "bt_dh": District(NM, "包头市", "东河区", "150202", "014040", "0472", BAOTOU),
    "bt_kd": District(NM, "包头市", "昆都仑区", "150203", "014010", "0472", BAOTOU),
    "bt_qs": District(NM, "包头市", "青山区", "150204", "014030", "0472", BAOTOU),
    "bt_jy": District(NM, "包头市", "九原区", "150207", "014060", "0472", ("建华南路", "滨河路")),
    "ee_ds": District(NM, "鄂尔多斯市", "东胜区", "150602", "017000", "0477", ("鄂尔多斯西街", "伊煤南路")),
    "wl_jn": District(NM, "乌兰察布市", "集宁区", "150902", "012000", "0474", ("察哈尔大街", "新华街")),
    "bj_cy": District("北京市", "北京市", "朝阳区", "110105", "100020", "010", ("建国路", "朝阳北路")),
    "bj_hd": District("北京市", "北京市", "海淀区", "110108", "100080", "010", ("中关村大街", "学院路")),
}
BUILDINGS = ("商务大厦", "金融中心", "科技园", "国际广场", "创业大厦", "工业园")
ESTATES = ("阳光小区", "富康家园", "锦绣苑", "幸福里", "春华园", "铁路小区", "金地花园")


def phone(world: World, district: District) -> str:
    digits = 8 if district.area_code == "010" else 7
    first = world.rng.randint(2, 6)
    return f"{district.area_code}-{first}{world.rng.randrange(10 ** (digits - 1)):0{digits - 1}d}"


def office_address(world: World, district: District, kind: str) -> dict:
    rng = world.rng
    detail = f"{rng.choice(district.streets)}{rng.randint(1, 399)}号{rng.choice(BUILDINGS)}{rng.randint(2, 18)}层"
    return _address(kind, district, detail)


def home_address(world: World, district: District) -> dict:
    rng = world.rng
    detail = (f"{rng.choice(district.streets)}{rng.randint(1, 299)}号{rng.choice(ESTATES)}"
              f"{rng.randint(1, 24)}号楼{rng.randint(1, 6)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室")
    return _address("home", district, detail)


def _address(kind: str, district: District, detail: str) -> dict:
    return {"type": kind, "province": district.province, "city": district.city, "district": district.name,
            "detail": detail, "postcode": district.postcode}


def credit_code(world: World, district: District, kind: str = "91") -> str:
    """A valid unified social credit code (91 enterprise, 92 individual business)."""
    body = "".join(world.rng.choice(CREDIT_CHARSET) for _ in range(9))
    return make_credit_code(kind, district.code, body)


def id_number(world: World, district: District, born: dt.date, male: bool) -> str:
    """A valid resident ID number whose sequence (17th digit) matches the gender: odd for men."""
    sequence = world.rng.randrange(100) * 10 + world.rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
    return make_id_number(district.code, born, sequence)
