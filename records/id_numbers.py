"""Chinese resident ID numbers (公民身份号码, GB 11643-1999), DESIGN.md §4.

An 18-character number is: 6 digits of address code (the first two are the province-level code
of GB/T 2260), 8 digits of birth date YYYYMMDD, 3 digits of sequence (the last one odd for men,
even for women) and one check character computed by ISO 7064 MOD 11-2. Legacy 15-digit numbers
have a 2-digit year and no check character; they are upgraded on entry.

Pure Python: no models, no database. `validate` raises Django's ValidationError so forms and
services can show its message as is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"  # indexed by S mod 11

# Province-level codes of GB/T 2260 (the first two digits).
PROVINCE_CODES = frozenset(
    f"{code:02d}"
    for code in (
        *range(11, 16),  # 北京 天津 河北 山西 内蒙古
        *range(21, 24),  # 辽宁 吉林 黑龙江
        *range(31, 38),  # 上海 江苏 浙江 安徽 福建 江西 山东
        *range(41, 47),  # 河南 湖北 湖南 广东 广西 海南
        *range(50, 55),  # 重庆 四川 贵州 云南 西藏
        *range(61, 66),  # 陕西 甘肃 青海 宁夏 新疆
        71,  # 台湾
        81,  # 香港
        82,  # 澳门
    )
)

EARLIEST_BIRTH_DATE = date(1900, 1, 1)

_DIGITS_17 = re.compile(r"[0-9]{17}")
_DIGITS_15 = re.compile(r"[0-9]{15}")
_NUMBER_18 = re.compile(r"[0-9]{17}[0-9X]")

# Full-width digits and X (as typed with a Chinese input method) → ASCII; spaces of any width
# (including the ideographic space U+3000) are dropped.
_FULL_WIDTH = {ord("０") + i: str(i) for i in range(10)} | {ord("Ｘ"): "X", ord("ｘ"): "x"}
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class IdNumber:
    number: str  # 18 characters, normalized
    birth_date: date
    gender: str  # "M" or "F"
    province_code: str  # first two digits
    upgraded_from_15: bool = False


def normalize(raw: str) -> str:
    """Drop spaces (half- and full-width), convert full-width digits and Ｘ to ASCII and
    upper-case a trailing x. Nothing else is changed, so errors still show what was typed."""
    text = _WHITESPACE.sub("", (raw or "").translate(_FULL_WIDTH))
    if text.endswith("x"):
        text = text[:-1] + "X"
    return text


def check_character(first17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits."""
    if not _DIGITS_17.fullmatch(first17 or ""):
        raise ValueError(f"check_character needs 17 digits, got {first17!r}")
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def upgrade_15(number15: str) -> str:
    """A legacy 15-digit number as 18 digits: "19" inserted after the address code, check
    character appended."""
    if not _DIGITS_15.fullmatch(number15 or ""):
        raise ValueError(f"upgrade_15 needs 15 digits, got {number15!r}")
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + check_character(first17)


def _today() -> date:
    """Today in the project's time zone when Django is configured, else the system's."""
    from django.conf import settings

    if settings.configured:
        from django.utils import timezone

        return timezone.localdate()
    return date.today()


def _birth_date(digits: str, today: date) -> date:
    """The birth date from its 8 digits YYYYMMDD: a real date, not before 1900, not in the future."""
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise ValidationError(
            _("出生日期 %(date)s 不是有效日期"), code="birth_date_invalid", params={"date": digits}
        ) from None
    if born < EARLIEST_BIRTH_DATE:
        raise ValidationError(
            _("出生日期 %(date)s 早于 1900 年 1 月 1 日"), code="birth_date_too_early", params={"date": digits}
        )
    if born > today:
        raise ValidationError(_("出生日期 %(date)s 晚于今天"), code="birth_date_future", params={"date": digits})
    return born


def validate(raw: str, *, today: date | None = None) -> IdNumber:
    """Check an ID number as typed and return it parsed; 15-digit numbers are upgraded first.

    Raises ValidationError with one of the codes: empty, length, characters, province,
    birth_date_invalid, birth_date_too_early, birth_date_future, check_character."""
    text = normalize(raw)
    if not text:
        raise ValidationError(_("请输入身份证号"), code="empty")
    if len(text) not in (15, 18):
        raise ValidationError(
            _("身份证号应为 18 位(或旧的 15 位),现在是 %(length)d 位"), code="length", params={"length": len(text)}
        )

    upgraded = len(text) == 15
    if upgraded:
        if not _DIGITS_15.fullmatch(text):
            raise ValidationError(_("旧的 15 位身份证号必须全部是数字"), code="characters")
        number = upgrade_15(text)
    else:
        if not _NUMBER_18.fullmatch(text):
            raise ValidationError(_("前 17 位必须是数字,第 18 位是数字或 X"), code="characters")
        number = text

    province = number[:2]
    if province not in PROVINCE_CODES:
        raise ValidationError(
            _("前两位 %(code)s 不是有效的省级行政区划代码"), code="province", params={"code": province}
        )

    born = _birth_date(number[6:14], today or _today())

    expected = check_character(number[:17])
    if number[17] != expected:
        raise ValidationError(
            _("校验码应为 %(expected)s,现在是 %(actual)s"),
            code="check_character",
            params={"expected": expected, "actual": number[17]},
        )

    return IdNumber(
        number=number,
        birth_date=born,
        gender="M" if int(number[16]) % 2 else "F",
        province_code=province,
        upgraded_from_15=upgraded,
    )


def mask(number: str) -> str:
    """The number as lists show it: first 6 and last 4 characters of an 18- (or 15-) character
    number, stars between; shorter, malformed values keep a quarter at each end, and values of
    up to 4 characters are all stars."""
    text = normalize(number)
    length = len(text)
    if length <= 4:
        return "*" * length
    if length >= 11:
        head, tail = 6, 4
    else:
        head = tail = length // 4
    return text[:head] + "*" * (length - head - tail) + text[-tail:]
