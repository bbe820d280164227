"""The language a periodic statistical form is declared in (modules-spec §9–13): numbered lines
of the paper form, each with its (A)(B)… blanks, and the rules across them.

A form is data, not code: `catalogue` declares the six forms of the manual with these few
constructors, and everything else (the entry form, the record's page, print, Excel, the
statistics, the rule report, completeness) reads the declaration.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

YEAR, QUARTER, CAMPAIGN = "year", "quarter", "campaign"  # period kinds
HARD, SOFT = "hard", "soft"  # a hard rule refuses the save; a soft one saves and warns
SUM, MAX, MIN, MEAN = "sum", "max", "min", "mean"  # how statistics combine an item over units
DECIMAL_UNITS = ("万元", "平方米")  # entered with two decimal places; every other unit counts


@dataclass(frozen=True)
class Item:
    """One blank of the paper form: `code` (02A, 02A2 for the second blank of 02(A)), the text
    before the blank, its unit, and how statistics combine it (a mean is weighted by `weight`,
    the code of the count it averages over: 13 item 13's floor areas by the centres counted)."""

    code: str
    letter: str  # "A" where the line's sub-item starts, "" for a further blank of it
    text: str
    unit: str
    combine: str = SUM
    weight: str = ""

    @property
    def decimal(self) -> bool:
        return self.unit in DECIMAL_UNITS

    @property
    def label(self) -> str:
        return f"{self.code} {self.text}({self.unit})"


@dataclass(frozen=True)
class Line:
    number: str  # 01, 3: the items' codes start with it
    items: tuple[Item, ...]
    heading: str = ""  # the line's lead text before its first (A)
    shown: str = ""  # how the paper numbers the line (一 … 八), when not by `number`
    lettered: bool = True  # the paper prints (A)(B)…; 培训统计表 prints the blanks only

    @property
    def title(self) -> str:
        return self.shown or self.number


def line(number: str, *blanks, heading: str = "", shown: str = "", lettered: bool = True) -> Line:
    """A line from its blanks: ("A", text, unit) starts sub-item A; ("", text, unit) is a further
    blank of the sub-item before (its code 02A2); a fourth element is a dict of Item options
    (combine, weight)."""
    items, letter, count = [], "", 0
    for blank in blanks:
        start, text, unit, *options = blank
        if start or not items:
            letter, count = start, 1
        else:
            count += 1
        code = f"{number}{letter}{count if count > 1 else ''}"
        items.append(Item(code, start, text, unit, **(options[0] if options else {})))
    return Line(number, tuple(items), heading, shown, lettered)


Values = Mapping[str, Decimal | int | str]


def number(value) -> Decimal | int:
    """A stored value as a number: a decimal is kept as its text ("10.50"), a blank is 0."""
    if value in (None, ""):
        return 0
    return Decimal(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Rule:
    """sum(left) `op` sum(right) — op "=" or "<=" — or, with op "needs", left > 0 ⇒ right > 0
    (a count of 0 has no people carried: 2A 0 列 ⇒ 0 人次). Told next to left[0]."""

    kind: str
    left: tuple[str, ...]
    op: str
    right: tuple[str, ...]
    note: str = ""  # the manual's own wording, when it gives the rule (注 A=B+C+D)

    def holds(self, values: Values) -> bool:
        left = sum(number(values.get(code)) for code in self.left)
        right = sum(number(values.get(code)) for code in self.right)
        if self.op == "=":
            return left == right
        if self.op == "<=":
            return left <= right
        return left == 0 or right > 0

    def message(self, form: "FormType") -> str:
        left, right = form.phrase(self.left), form.phrase(self.right)
        said = {"=": f"{left}应等于{right}", "<=": f"{left}不能大于{right}", "needs": f"填写了{left}时,{right}不能为 0"}
        return said[self.op] + (f"({self.note})" if self.note else "") + "。"


def _codes(text: str) -> tuple[str, ...]:
    return tuple(text.replace(" ", "").split("+"))


def hard(expression: str, note: str = "") -> Rule:
    return _rule(HARD, expression, note)


def soft(expression: str, note: str = "") -> Rule:
    return _rule(SOFT, expression, note)


def _rule(kind: str, expression: str, note: str) -> Rule:
    """ "02A = 02B + 02C + 02D", "03A <= 02B", "7B needs 7A": a rule as the manual writes it."""
    left, op, right = re.split(r"\s*(=|<=|needs)\s*", expression.strip())
    return Rule(kind, _codes(left), op, _codes(right), note)


def each_at_most(total: str, *parts: str, kind: str = HARD) -> list[Rule]:
    """其中 ≤ 总数 for each part."""
    return [Rule(kind, (part,), "<=", (total,)) for part in parts]


@dataclass(frozen=True, eq=False)  # one object per form: hashed by identity (a cache key)
class FormType:
    key: str
    title: str  # 送温暖工程统计表
    period_kind: str
    lines: tuple[Line, ...]
    rules: tuple[Rule, ...] = ()
    phone: bool = True  # 联系电话 in the header (培训统计表 has none)
    # code → how to suggest a value from what other modules know (records.stat_forms.prefill)
    prefill: Mapping[str, str] = field(default_factory=dict)
    wording: Mapping[str, str] = field(default_factory=dict)  # {journey}: 返乡 / 返城

    @property
    def items(self) -> list[Item]:
        return [item for line in self.lines for item in line.items]

    def item(self, code: str) -> Item:
        return next(item for item in self.items if item.code == code)

    def text(self, text: str) -> str:
        return text.format(**self.wording) if self.wording else text

    def phrase(self, codes: Sequence[str]) -> str:
        return "+".join(codes) if len(codes) > 1 else f"{codes[0]}({self.text(self.item(codes[0]).text)})"

    def violations(self, values: Values, kind: str) -> list[tuple[Rule, str]]:
        """(rule, message) for each rule of `kind` the values break."""
        return [(rule, rule.message(self)) for rule in self.rules if rule.kind == kind and not rule.holds(values)]

    def check(self) -> None:
        """A declaration names only its own items, and a mean its weight: asked when declared."""
        codes = [item.code for item in self.items]
        if len(codes) != len(set(codes)):
            raise ValueError(f"{self.key}: 项目代码重复")
        named = {code for rule in self.rules for code in (*rule.left, *rule.right)}
        named |= {item.weight for item in self.items if item.combine == MEAN} | set(self.prefill)
        if unknown := named - set(codes):
            raise ValueError(f"{self.key}: 规则或权数引用了不存在的项目 {sorted(unknown)}")
