"""Unit types, account categories and the counties of Taiwan (SPEC §1.1, §1.2)."""

from __future__ import annotations

from enum import StrEnum


class UnitType(StrEnum):
    """The ten unit types of the seed's permission table (seed §肆), in its column order."""

    MOE = "moe"
    NATIONAL_CENTER = "national_center"
    K12EA = "k12ea"
    COUNTY_BUREAU = "county_bureau"
    CURRICULUM_CIRCLE = "curriculum_circle"
    TEACHER_ED_UNIVERSITY = "teacher_ed_university"
    SCHOOL = "school"
    SOCIAL_ED_ORG = "social_ed_org"
    EXPERIMENTAL_ORG = "experimental_org"
    SUBJECT_CENTER = "subject_center"


#: Regional centres (分區管理中心): review and activate the organizers below them.
REGIONAL_CENTERS: frozenset[UnitType] = frozenset(
    {UnitType.K12EA, UnitType.COUNTY_BUREAU, UnitType.CURRICULUM_CIRCLE}
)

#: Units that see and act on everything below them (SPEC §1.1).
NATIONWIDE: frozenset[UnitType] = frozenset({UnitType.MOE, UnitType.NATIONAL_CENTER})

#: Unit types whose accounts are narrowed by category, and which have teachers (SPEC §1.2, §1.3).
CATEGORY_NARROWED: frozenset[UnitType] = frozenset({UnitType.SCHOOL, UnitType.EXPERIMENTAL_ORG})
TEACHER_UNITS = CATEGORY_NARROWED


class AccountCategory(StrEnum):
    """Business-account categories (業務帳號類別, seed §肆.四.(三).4)."""

    CHIEF = "chief"
    CONTACT = "contact"
    OPERATOR = "operator"


class SchoolLevel(StrEnum):
    """School levels, used for schools and later for course audiences."""

    KINDERGARTEN = "kindergarten"
    ELEMENTARY = "elementary"
    JUNIOR_HIGH = "junior_high"
    SENIOR_HIGH = "senior_high"


#: The 22 counties and cities with their education bureau's official name.
COUNTIES: dict[str, tuple[str, str]] = {
    "TPE": ("臺北市", "臺北市政府教育局"),
    "NWT": ("新北市", "新北市政府教育局"),
    "TAO": ("桃園市", "桃園市政府教育局"),
    "TXG": ("臺中市", "臺中市政府教育局"),
    "TNN": ("臺南市", "臺南市政府教育局"),
    "KHH": ("高雄市", "高雄市政府教育局"),
    "KEE": ("基隆市", "基隆市政府教育處"),
    "HSZ": ("新竹市", "新竹市政府教育處"),
    "CYI": ("嘉義市", "嘉義市政府教育處"),
    "HSQ": ("新竹縣", "新竹縣政府教育處"),
    "MIA": ("苗栗縣", "苗栗縣政府教育處"),
    "CHA": ("彰化縣", "彰化縣政府教育處"),
    "NAN": ("南投縣", "南投縣政府教育處"),
    "YUN": ("雲林縣", "雲林縣政府教育處"),
    "CYQ": ("嘉義縣", "嘉義縣政府教育處"),
    "PIF": ("屏東縣", "屏東縣政府教育處"),
    "ILA": ("宜蘭縣", "宜蘭縣政府教育處"),
    "HUA": ("花蓮縣", "花蓮縣政府教育處"),
    "TTT": ("臺東縣", "臺東縣政府教育處"),
    "PEN": ("澎湖縣", "澎湖縣政府教育處"),
    "KIN": ("金門縣", "金門縣政府教育處"),
    "LIE": ("連江縣", "連江縣政府教育處"),
}


def county_name(code: str | None) -> str:
    """The county's Chinese name, or an empty string for none."""
    if not code:
        return ""
    return COUNTIES.get(code, (code, ""))[0]
