"""Agencies that own the demo catalogue's dossiers, and which one owns a plan.

Ministries are named as they stand after the 2025 government restructuring:
planning and investment joined Finance, transport joined Construction,
natural resources and environment joined Agriculture, information and
communications joined Science and Technology, and vocational education moved
to Education and Training.
"""

from __future__ import annotations

from dataclasses import dataclass

from ckanext.quyhoach.spatial import gazetteer
from ckanext.quyhoach.text import slugify


@dataclass(frozen=True)
class Agency:
    name: str
    title: str
    title_en: str
    kind: str
    code: str
    province_code: str = ""


MINISTRIES = {
    "finance": Agency("bo-tai-chinh", "Bộ Tài chính", "Ministry of Finance", "ministry", "BTC"),
    "construction": Agency("bo-xay-dung", "Bộ Xây dựng", "Ministry of Construction", "ministry", "BXD"),
    "industry_trade": Agency(
        "bo-cong-thuong", "Bộ Công Thương", "Ministry of Industry and Trade", "ministry", "BCT"
    ),
    "agriculture_environment": Agency(
        "bo-nong-nghiep-va-moi-truong",
        "Bộ Nông nghiệp và Môi trường",
        "Ministry of Agriculture and Environment",
        "ministry",
        "BNNMT",
    ),
    "science_technology": Agency(
        "bo-khoa-hoc-va-cong-nghe",
        "Bộ Khoa học và Công nghệ",
        "Ministry of Science and Technology",
        "ministry",
        "BKHCN",
    ),
    "culture": Agency(
        "bo-van-hoa-the-thao-va-du-lich",
        "Bộ Văn hóa, Thể thao và Du lịch",
        "Ministry of Culture, Sports and Tourism",
        "ministry",
        "BVHTTDL",
    ),
    "education": Agency(
        "bo-giao-duc-va-dao-tao",
        "Bộ Giáo dục và Đào tạo",
        "Ministry of Education and Training",
        "ministry",
        "BGDDT",
    ),
}

SECTOR_MINISTRY = {
    "energy": "industry_trade",
    "transport": "construction",
    "urban_rural": "construction",
    "minerals": "agriculture_environment",
    "water_resources": "agriculture_environment",
    "environment": "agriculture_environment",
    "forestry": "agriculture_environment",
    "irrigation_disaster_prevention": "agriculture_environment",
    "fisheries": "agriculture_environment",
    "ict": "science_technology",
    "tourism": "culture",
    "culture_sports": "culture",
    "education": "education",
}

PLAN_TYPE_MINISTRY = {
    "national_master": "finance",
    "regional": "finance",
    "national_marine_spatial": "agriculture_environment",
    "national_land_use": "agriculture_environment",
}


def provincial_committee(current_code: str) -> Agency:
    """Return the People's Committee of the current province CURRENT_CODE."""
    province = gazetteer.current_province(current_code)
    if province is None:
        raise ValueError(f"unknown current province code: {current_code}")
    prefix_vi = "thành phố" if province.kind == "thanh_pho" else "tỉnh"
    prefix_en = "City" if province.kind == "thanh_pho" else "Province"
    title = f"Ủy ban nhân dân {prefix_vi} {province.name_vi}"
    return Agency(
        name=slugify(f"ubnd {prefix_vi} {province.name_vi}"),
        title=title,
        title_en=f"People's Committee of {province.name_en} {prefix_en}",
        kind="provincial_committee",
        code=f"UBND-{province.code}",
        province_code=province.code,
    )


def owner_for(plan_type: str, sector: str, province_code: str) -> Agency:
    """Return the agency that publishes a plan of this type, sector and province."""
    if province_code:
        return provincial_committee(province_code)
    if sector:
        return MINISTRIES[SECTOR_MINISTRY.get(sector, "finance")]
    return MINISTRIES[PLAN_TYPE_MINISTRY.get(plan_type, "finance")]
