"""Resident ID numbers (GB 11643-1999), DESIGN.md §4: normalization, the MOD 11-2 check
character, 15→18 upgrade, validation messages and codes, gender and masking. No database."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from records.id_numbers import (
    PROVINCE_CODES,
    IdNumber,
    check_character,
    mask,
    normalize,
    upgrade_15,
    validate,
)

TODAY = date(2026, 3, 1)

STANDARD = "11010519491231002X"  # the example of GB 11643-1999


def valid(first17: str) -> str:
    return first17 + check_character(first17)


def with_wrong_check(first17: str) -> tuple[str, str, str]:
    """A number whose check character is wrong, the expected one and the one used."""
    expected = check_character(first17)
    wrong = "5" if expected != "5" else "6"
    return first17 + wrong, expected, wrong


def error_of(raw: str, today: date = TODAY) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate(raw, today=today)
    return caught.value


def assert_error(raw: str, message: str, code: str, today: date = TODAY) -> None:
    error = error_of(raw, today)
    assert error.messages == [message]
    assert error.code == code


# --- check character -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "first17, expected",
    [
        ("11010519491231002", "X"),  # GB 11643 example
        ("44052418800101001", "4"),  # GB 11643 example
        ("51010819900101001", "4"),  # S = 162, 162 mod 11 = 8
        ("00000000000000000", "1"),  # S = 0
    ],
)
def test_check_character_known_values(first17, expected):
    assert check_character(first17) == expected


def test_check_character_covers_every_remainder():
    """Position 8 has weight 1 and position 3 weight 10, so these walk S mod 11 through 0..10."""
    sums = [check_character("0000000" + str(d) + "000000000") for d in range(10)]
    sums.append(check_character("00100000000000000"))
    assert "".join(sums) == "10X98765432"


@pytest.mark.parametrize("bad", ["", "1234567890123456", "123456789012345678", "1101051949123100X", "１１０１"])
def test_check_character_needs_17_ascii_digits(bad):
    with pytest.raises(ValueError):
        check_character(bad)


# --- normalize -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        (STANDARD, STANDARD),
        ("11010519491231002x", STANDARD),
        (" 11010519491231002X ", STANDARD),
        ("110105 19491231 002X", STANDARD),
        ("110105\u300019491231\u3000002x", STANDARD),  # ideographic (full-width) spaces
        ("１１０１０５１９４９１２３１００２Ｘ", STANDARD),  # full-width digits and Ｘ
        ("１１０１０５１９４９１２３１００２ｘ", STANDARD),  # full-width lower-case ｘ
        ("\t110105194912310\n02X", STANDARD),
        ("", ""),
        ("   ", ""),
        ("x1234", "x1234"),  # only a trailing x is upper-cased
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_normalize_none_is_empty():
    assert normalize(None) == ""


# --- upgrade from 15 digits ------------------------------------------------------------------


@pytest.mark.parametrize(
    "number15, number18",
    [
        ("110105491231002", STANDARD),
        ("440524800101001", valid("44052419800101001")),
        ("510108900101001", valid("51010819900101001")),
    ],
)
def test_upgrade_15(number15, number18):
    assert upgrade_15(number15) == number18


@pytest.mark.parametrize("bad", ["", "11010549123100", "1101054912310021", "11010549123100X"])
def test_upgrade_15_needs_15_digits(bad):
    with pytest.raises(ValueError):
        upgrade_15(bad)


# --- valid numbers ---------------------------------------------------------------------------


def test_standard_example_validates():
    result = validate(STANDARD, today=TODAY)
    assert result == IdNumber(
        number=STANDARD,
        birth_date=date(1949, 12, 31),
        gender="F",
        province_code="11",
        upgraded_from_15=False,
    )


@pytest.mark.parametrize(
    "first17, birth_date, gender, province",
    [
        ("11010519491231002", date(1949, 12, 31), "F", "11"),
        ("51010819900101001", date(1990, 1, 1), "M", "51"),
        ("51010819900101002", date(1990, 1, 1), "F", "51"),
        ("65010120000229123", date(2000, 2, 29), "M", "65"),  # leap day of a leap century
        ("31011519000101004", date(1900, 1, 1), "F", "31"),  # earliest allowed date
        ("82000020260301005", TODAY, "M", "82"),  # born today
        ("71000019840229006", date(1984, 2, 29), "F", "71"),
        ("81000019991231007", date(1999, 12, 31), "M", "81"),
        ("15020319701010008", date(1970, 10, 10), "F", "15"),
        ("21020319701010009", date(1970, 10, 10), "M", "21"),
        ("46010019880808000", date(1988, 8, 8), "F", "46"),
        ("54010019880808000", date(1988, 8, 8), "F", "54"),
    ],
)
def test_valid_numbers(first17, birth_date, gender, province):
    number = valid(first17)
    result = validate(number, today=TODAY)
    assert result.number == number
    assert result.birth_date == birth_date
    assert result.gender == gender
    assert result.province_code == province
    assert result.upgraded_from_15 is False


@pytest.mark.parametrize(
    "raw",
    [
        "11010519491231002x",
        " 110105 19491231 002X ",
        "１１０１０５１９４９１２３１００２Ｘ",
        "110105\u300019491231\u3000002ｘ",
    ],
)
def test_validate_normalizes_first(raw):
    assert validate(raw, today=TODAY).number == STANDARD


def test_fifteen_digits_are_upgraded():
    result = validate("110105491231002", today=TODAY)
    assert result.number == STANDARD
    assert result.upgraded_from_15 is True
    assert result.birth_date == date(1949, 12, 31)
    assert result.gender == "F"
    assert result.province_code == "11"


def test_fifteen_digits_with_spaces_are_upgraded():
    result = validate(" 110105 491231 00１ ", today=TODAY)
    assert result.number == upgrade_15("110105491231001")
    assert result.gender == "M"
    assert result.upgraded_from_15 is True


def test_result_is_frozen():
    result = validate(STANDARD, today=TODAY)
    with pytest.raises(AttributeError):
        result.number = "x"


def test_today_defaults_to_the_current_date():
    assert validate(STANDARD).birth_date == date(1949, 12, 31)
    future = valid(f"110105{date.today().year + 1}0101001")
    assert error_of(future, today=None).code == "birth_date_future"


# --- gender ----------------------------------------------------------------------------------


@pytest.mark.parametrize("digit17, gender", [(str(d), "M" if d % 2 else "F") for d in range(10)])
def test_gender_from_the_17th_digit(digit17, gender):
    assert validate(valid("5101081990010100" + digit17), today=TODAY).gender == gender


@pytest.mark.parametrize("digit15, gender", [("1", "M"), ("2", "F"), ("9", "M"), ("0", "F")])
def test_gender_of_a_15_digit_number_from_its_last_digit(digit15, gender):
    assert validate("51010890010100" + digit15, today=TODAY).gender == gender


# --- failures --------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["", "   ", "\u3000", None])
def test_empty(raw):
    assert_error(raw, "请输入身份证号", "empty")


@pytest.mark.parametrize(
    "raw, length",
    [
        ("1", 1),
        ("11010519491231", 14),
        ("1101054912310021", 16),
        ("11010519491231002", 17),
        ("11010519491231002X1", 19),
        ("11010519491231002XX", 19),
        ("110105194912310020000", 21),
        ("１１０１０５１９４９１２３１００２", 17),  # counted after normalization
        ("110105 1949 1231 002", 17),
    ],
)
def test_wrong_length(raw, length):
    assert_error(raw, f"身份证号应为 18 位(或旧的 15 位),现在是 {length} 位", "length")


@pytest.mark.parametrize(
    "raw",
    [
        "1101051949123100XX",  # X only in the last place
        "X10105194912310021",
        "11010519491231002Y",
        "1101051949123100-2",
        "11010519491231002A",
        "110105194912310０2Z",
        "１１０１０５１９４９１２３１００２Ｙ",
        "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",  # other Unicode digits are not accepted
    ],
)
def test_wrong_characters_in_18(raw):
    assert_error(raw, "前 17 位必须是数字,第 18 位是数字或 X", "characters")


@pytest.mark.parametrize("raw", ["11010549123100X", "11010549123100x", "1101054912310A2", "A10105491231002"])
def test_wrong_characters_in_15(raw):
    assert_error(raw, "旧的 15 位身份证号必须全部是数字", "characters")


@pytest.mark.parametrize(
    "province",
    ["00", "10", "16", "20", "24", "30", "38", "40", "47", "49", "55", "60", "66", "70", "72", "80", "83", "90", "99"],
)
def test_wrong_province(province):
    number = valid(province + "010519491231002")
    assert_error(number, f"前两位 {province} 不是有效的省级行政区划代码", "province")


def test_wrong_province_in_15_digits():
    assert_error("990105491231002", "前两位 99 不是有效的省级行政区划代码", "province")


def test_province_codes_are_those_of_gb_t_2260():
    expected = [*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55), *range(61, 66)] + [
        71,
        81,
        82,
    ]
    assert sorted(PROVINCE_CODES) == [str(code) for code in expected]
    for code in PROVINCE_CODES:
        assert validate(valid(code + "010519491231002"), today=TODAY).province_code == code


@pytest.mark.parametrize(
    "digits",
    [
        "19901345",  # month 13
        "19900001",  # month 0
        "19900100",  # day 0
        "19900132",  # January 32
        "19900230",  # February 30
        "19910229",  # not a leap year
        "19000229",  # 1900 is not a leap year (century rule)
        "21000229",  # nor 2100
        "19900431",  # April has 30 days
        "00000000",
    ],
)
def test_invalid_birth_date(digits):
    number = valid("110105" + digits + "002")
    assert_error(number, f"出生日期 {digits} 不是有效日期", "birth_date_invalid")


def test_invalid_birth_date_in_15_digits_is_shown_with_19():
    assert_error("110105901345002", "出生日期 19901345 不是有效日期", "birth_date_invalid")


def test_leap_days():
    assert validate(valid("11010520000229002"), today=TODAY).birth_date == date(2000, 2, 29)
    assert validate(valid("11010519960229002"), today=TODAY).birth_date == date(1996, 2, 29)
    assert error_of(valid("11010519000229002")).code == "birth_date_invalid"
    assert validate("110105960229002", today=TODAY).birth_date == date(1996, 2, 29)
    assert error_of("110105000229002").code == "birth_date_invalid"  # 1900-02-29 from 15 digits


@pytest.mark.parametrize("digits", ["18991231", "18000101", "10000101", "00010101"])
def test_birth_date_before_1900(digits):
    number = valid("110105" + digits + "002")
    assert_error(number, f"出生日期 {digits} 早于 1900 年 1 月 1 日", "birth_date_too_early")


@pytest.mark.parametrize(
    "digits, today",
    [
        ("20260302", date(2026, 3, 1)),  # tomorrow
        ("20270101", date(2026, 3, 1)),
        ("99991231", date(2026, 3, 1)),
        ("20000229", date(2000, 2, 28)),
        ("19491231", date(1949, 12, 30)),
    ],
)
def test_birth_date_in_the_future(digits, today):
    number = valid("110105" + digits + "002")
    assert_error(number, f"出生日期 {digits} 晚于今天", "birth_date_future", today=today)


def test_birth_date_today_is_not_in_the_future():
    number = valid("11010520260301002")
    assert validate(number, today=date(2026, 3, 1)).birth_date == date(2026, 3, 1)
    assert error_of(number, today=date(2026, 2, 28)).code == "birth_date_future"


@pytest.mark.parametrize(
    "first17",
    ["11010519491231002", "44052419800101001", "51010819900101001", "65010120000229123", "31011519000101004"],
)
def test_wrong_check_character(first17):
    number, expected, wrong = with_wrong_check(first17)
    assert_error(number, f"校验码应为 {expected},现在是 {wrong}", "check_character")


@pytest.mark.parametrize(
    "raw, expected, actual",
    [
        ("110105194912310025", "X", "5"),
        ("110105194912310020", "X", "0"),
        ("11010519491231001x", check_character("11010519491231001"), "X"),
    ],
)
def test_check_character_message_names_both(raw, expected, actual):
    assert_error(raw, f"校验码应为 {expected},现在是 {actual}", "check_character")


@pytest.mark.parametrize(
    "raw, code",
    [
        ("99010519491231002Y", "characters"),  # characters before province
        ("990105194913310025", "province"),  # province before date
        ("110105194913310025", "birth_date_invalid"),  # date before check character
    ],
)
def test_first_failure_wins(raw, code):
    assert error_of(raw).code == code


# --- masking ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number, masked",
    [
        (STANDARD, "110105********002X"),
        ("510108199001010012", "510108********0012"),
        ("11010519491231002x", "110105********002X"),
        ("110105491231002", "110105*****1002"),  # 15 digits
        ("1101051949123", "110105***9123"),  # 13 characters
        ("11010519", "11****19"),
        ("12345", "1***5"),
        ("1234", "****"),
        ("1", "*"),
        ("", ""),
    ],
)
def test_mask(number, masked):
    assert mask(number) == masked


def test_mask_hides_the_birth_date():
    masked = mask(STANDARD)
    assert "1949" not in masked and "1231" not in masked
    assert len(masked) == 18
