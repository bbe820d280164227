"""The six periodic statistical forms of the manual (ch. 9–13, modules-spec §9–13), as data.

Adding a seventh form is one more declaration here (and its key in FORM_TYPES): its lines, its
rules, its period kind. The manual's own 注 rules are hard; "其中 ≤ 总数" for one sub-item is
hard; sums of 其中 that should equal their total, and plausibility across lines, are soft.
Where the manual's page is cut off, the items are the spec's PROPOSED ones.
"""

from records.stat_forms.layout import CAMPAIGN, MAX, MEAN, MIN, QUARTER, YEAR, FormType, each_at_most, hard, line, soft

WARMTH = FormType(
    key="warmth",
    title="送温暖工程统计表",
    period_kind=CAMPAIGN,
    lines=(
        line("01", ("A", "当地职工总数", "人")),
        line(
            "02",
            ("A", "当地已经建立困难职工档案的困难职工", "人"), ("", "困难职工家庭户数", "户"),
            ("B", "其中家庭人均收入低于当地城镇居民最低生活保障线的职工", "人"), ("", "户数", "户"),
            ("C", "其中家庭人均收入略高于低保线但因下岗失业、重大疾病、子女教育、意外灾害等原因造成家庭生活困难的职工", "人"),
            ("", "户数", "户"),
            ("D", "其中因遭受各类灾害、重大意外事故造成家庭生活困难的职工", "人"), ("", "户数", "户"),
        ),
        line("03", ("A", "家庭人均收入低于低保标准的职工中,领取低保金的职工", "人"), ("", "困难家庭户数", "户")),
        line("04", ("A", "上一年工会组织帮扶的困难职工户数", "户"), ("B", "上一年当年解困的职工户数", "户")),
        line(
            "05",
            ("A", "上一年参加联系困难企业、困难职工活动的党政工领导干部人数", "人"),
            ("B", "联系的困难企业数", "个"), ("C", "联系的困难职工户数", "户"),
        ),
        line(
            "06",
            ("A", "慰问困难企业个数", "个"), ("B", "慰问困难职工", "户"), ("C", "慰问困难农民工", "人"),
            ("D", "慰问劳动模范", "人"),
            heading="本年元旦、春节期间送温暖活动中",
        ),
        line(
            "07",
            ("A", "筹集慰问款物总额", "万元"), ("B", "其中政府拨款", "万元"), ("C", "其中工会拨款", "万元"),
            ("D", "其中社会筹集", "万元"),
        ),
        line(
            "08",
            ("A", "发放慰问款物总额", "万元"), ("B", "其中慰问困难职工", "万元"), ("", "户数", "户"),
            ("C", "慰问困难农民工", "万元"), ("", "人数", "人"),
        ),
        line("09", ("A", "通过各种途径,向困难职工和农民工提供就业岗位", "个"), ("B", "帮助实现就业", "人")),
        line(
            "10",
            ("A", "共协助政府有关部门帮助职工和农民工追讨欠薪", "万元"), ("B", "涉及职工和农民工", "人"),
            ("C", "各地帮扶中心共协调解决跨地区维权和帮扶案件", "件"), ("", "涉及农民工", "人"),
        ),
    ),
    rules=(
        hard("02A = 02B + 02C + 02D", "注 A=B+C+D"),
        hard("02A2 = 02B2 + 02C2 + 02D2", "注 A=B+C+D"),
        hard("03A <= 02B", "注 03A<=02B"),
        hard("03A2 <= 02B2", "注 03A<=02B"),
        *each_at_most("07A", "07B", "07C", "07D"),
        *each_at_most("08A", "08B", "08C"),
        soft("02A <= 01A"),
        *(soft(f"{households} <= {people}") for people, households in [("02A", "02A2"), ("02B", "02B2"),
                                                                         ("02C", "02C2"), ("02D", "02D2")]),
        soft("04B <= 04A", "解困户数含以前年度帮扶、当年解困的户"),
        soft("07A = 07B + 07C + 07D"),
        soft("08A <= 07A", "可含上年结转"),
    ),
)  # fmt: skip

SCHOOL_AID = FormType(
    key="school_aid",
    title="金秋助学活动统计表",
    period_kind=YEAR,
    lines=(
        line(
            "1",
            ("A", "本次助学活动共筹集资金", "万元"), ("B", "其中各级党委政府资助", "万元"), ("C", "社会捐助", "万元"),
            ("D", "各级工会投入", "万元"), ("E", "其他方面筹集", "万元"),
        ),
        line(
            "2",
            ("A", "共发放助学款", "万元"), ("B", "其中义务教育阶段", "万元"), ("C", "高中和中等职业教育阶段", "万元"),
            ("D", "大专以上", "万元"),
        ),
        line(
            "3",
            ("A", "通过发放助学款共资助困难职工和困难农民工子女", "人"), ("B", "其中义务教育阶段", "人"),
            ("C", "高中和中等职业教育阶段", "人"), ("D", "大专以上", "人"),
        ),
        line(
            "4",
            ("A", "通过发放助学款共资助困难农民工子女", "人"), ("B", "义务教育阶段", "人"),
            ("C", "高中和中等职业教育阶段", "人"), ("D", "大专以上", "人"),
        ),
        line(
            "5",
            ("A", "单位或个人与困难职工和困难农民工子女结对帮扶数", "对"),
            ("B", "通过工会帮助落实了减免学杂费政策的困难职工和困难农民工子女", "人"), ("C", "申请到助学贷款的", "人"),
            ("D", "得到捐赠书籍和学习用具的", "人"), ("E", "得到义务家教的", "人"),
        ),
        line(
            "6",
            ("A", "向有子女上学的下岗失业职工家庭提供免费职业介绍", "人次"), ("B", "提供职业培训", "人次"),
            ("C", "帮助实现再就业", "人次"),
        ),
        line("7", ("A", "以企业或个人名义建立冠名助学基金(资金)", "个"), ("B", "建立的助学基金(资金)总计", "万元")),
    ),
    rules=(
        hard("3A = 3B + 3C + 3D"),
        hard("4A = 4B + 4C + 4D"),
        *(hard(f"4{x} <= 3{x}", "农民工子女是第3项的一部分") for x in "ABCD"),
        *each_at_most("1A", "1B", "1C", "1D", "1E"),
        *each_at_most("2A", "2B", "2C", "2D"),
        soft("1A = 1B + 1C + 1D + 1E"),
        soft("2A = 2B + 2C + 2D"),
        soft("2A <= 1A", "可含上年结转"),
        soft("6C <= 6A + 6B"),
        soft("7B needs 7A"),
    ),
)  # fmt: skip

TRAINING_STATS = FormType(
    key="training_stats",
    title="培训统计表",
    period_kind=QUARTER,
    phone=False,
    lines=(
        line("1", ("A", "培训机构总数", "个"), shown="一"),
        line("2", ("A", "培训机构获得资质认证的总数", "个"), shown="二"),
        line(
            "3",
            ("A", "培训人数", "人"), ("B", "其中技能培训", "人"), ("C", "创业培训", "人"), ("D", "学历教育", "人"),
            shown="三", lettered=False,
        ),
        line(
            "4",
            ("A", "下岗失业人员", "人"), ("B", "农民工", "人"), ("C", "在职人员", "人"), ("D", "在读人员", "人"),
            heading="培训的人员中", shown="四", lettered=False,
        ),
        line("5", ("A", "获得职业资格证书的人数", "人"), shown="五"),
        line("6", ("A", "培训资金总额", "万元"), ("B", "其中政府补贴", "万元"), shown="六", lettered=False),
        line("7", ("A", "就业再就业基地", "个"), shown="七"),
        line("8", ("A", "就业再就业基地实训人数", "人"), ("B", "就业人数", "人"), shown="八", lettered=False),
    ),
    rules=(
        hard("2A <= 1A"),
        *each_at_most("3A", "3B", "3C", "3D"),
        hard("4A + 4B + 4C + 4D <= 3A"),
        hard("5A <= 3A"),
        hard("6B <= 6A"),
        soft("3A = 3B + 3C + 3D"),
        soft("4A + 4B + 4C + 4D = 3A"),
        soft("8B <= 8A"),
    ),
    # Suggested from the unit's own training of the quarter (modules-spec §11: 一, 三, 四 and what
    # the rows also answer); 六 (money) is not in them.
    prefill={"1A": "training:institutions", "2A": "training:certified", "3A": "training:trained",
             "3B": "training:skills", "3C": "training:startup", "3D": "training:degree",
             "4A": "training:laid_off", "4B": "training:migrants", "4C": "training:in_work",
             "4D": "training:students", "5A": "training:certificates", "7A": "training:bases",
             "8A": "training:base_trainees", "8B": "training:base_employed"},
)  # fmt: skip


def journey(key: str, word: str) -> FormType:
    """农民工平安返乡 and 平安返城: one form (manual 12.3 "同: 返乡统计表"), its wording switched."""
    return FormType(
        key=key,
        title="农民工平安{journey}统计表",
        period_kind=CAMPAIGN,
        wording={"journey": word},
        lines=(
            line(
                "1",
                ("A", "本次活动共运送农民工", "人次"), ("B", "其中铁路运送", "人次"), ("C", "公路发送", "人次"),
                ("D", "水路运送", "人次"),
            ),
            line(
                "2",
                ("A", "本次行动共包专列", "列"), ("", "运送", "人次"), ("B", "共加挂专运车厢", "节"), ("", "运送", "人次"),
                ("C", "共包车", "辆"), ("", "运送", "人次"), ("D", "包船", "艘"), ("", "运送", "人次"),
            ),
            line(
                "3",
                ("A", "开设临时或流动售票点", "个"), ("B", "帮助农民工购买团体车(船)票", "张"),
                ("C", "其中购买团体火车票", "张"), ("D", "购买团体汽车票", "张"), ("E", "购买团体船票", "张"),
            ),
            line("4", ("A", "企业工会经过与用人单位协商,为农民工{journey}争取经济补贴", "万元")),
        ),
        rules=(
            *each_at_most("1A", "1B", "1C", "1D"),
            *(hard(f"2{x}2 needs 2{x}", "没有车次就没有运送人次") for x in "ABCD"),
            hard("3C + 3D + 3E <= 3B"),
            soft("1A = 1B + 1C + 1D"),
            soft("2A2 + 2B2 <= 1B"),
            soft("2C2 <= 1C"),
            soft("2D2 <= 1D"),
            soft("3C + 3D + 3E = 3B"),
        ),
    )  # fmt: skip


def areas(letter: str, city: str, weight: str) -> tuple:
    """13 item 13: a kind of city's mean, largest and smallest centre floor area — never summed."""
    return (
        (letter, f"{city}帮扶中心平均面积", "平方米", {"combine": MEAN, "weight": weight}),
        ("", "其中最大面积", "平方米", {"combine": MAX}),
        ("", "最小面积", "平方米", {"combine": MIN}),
    )


CENTRE_STATS = FormType(
    key="centre_stats",
    title="困难职工帮扶中心统计表",
    period_kind=YEAR,
    lines=(
        line(
            "01",
            ("A", "县级以上困难职工帮扶中心总数", "个"), ("B", "其中省级", "个"), ("C", "地市级", "个"), ("D", "县级", "个"),
        ),
        line("02", ("A", "事业单位性质的帮扶中心", "个"), ("B", "省级", "个"), ("C", "地市级", "个"), ("D", "县级", "个")),
        line("03", ("A", "帮扶中心工作人员共计", "人"), ("B", "省级", "人"), ("C", "地市级", "人"), ("D", "县级", "人")),
        line("04", ("A", "其中专职工作人员", "人")),
        line("05", ("A", "有独立办公场所的帮扶中心", "个")),
        line("06", ("A", "开通服务热线的帮扶中心", "个")),
        line("07", ("A", "年度工作经费", "万元"), ("B", "其中财政拨款", "万元")),
        line("08", ("A", "建立困难职工档案", "户"), ("", "涉及职工", "人")),
        line("09", ("A", "全年帮扶困难职工", "户次"), ("B", "帮扶资金", "万元")),
        line("10", ("A", "接待来访", "人次"), ("B", "信访", "件")),
        line("11", ("A", "提供法律援助", "件"), ("B", "职业介绍", "人次"), ("C", "技能培训", "人次")),
        line("12", ("A", "与政府有关部门建立了定期工作协调制度的地市级以上帮扶中心", "个")),
        line(
            "13",
            *areas("A", "副省级城市", "01C"), *areas("B", "地级城市", "01C"), *areas("C", "县级城市", "01D"),
            heading="困难职工帮扶中心中",
        ),
    ),
    rules=(
        hard("01A = 01B + 01C + 01D"),
        hard("02A = 02B + 02C + 02D"),
        *(hard(f"02{x} <= 01{x}") for x in "ABCD"),
        hard("03A = 03B + 03C + 03D"),
        hard("04A <= 03A"),
        hard("05A <= 01A"),
        hard("06A <= 01A"),
        hard("07B <= 07A"),
        hard("12A <= 01B + 01C"),
        *(rule for x in "ABC" for rule in (hard(f"13{x}3 <= 13{x}", "最小面积≤平均面积"),
                                          hard(f"13{x} <= 13{x}2", "平均面积≤最大面积"))),
    ),
    prefill={"01A": "count", "01B": "count@2", "01C": "count@3", "01D": "count@4", "03A": "staff",
             "03B": "staff@2", "03C": "staff@3", "03D": "staff@4", "04A": "full_time", "05A": "premises",
             "06A": "hotline", "07A": "budget"},
)  # fmt: skip

FORM_TYPES: dict[str, FormType] = {
    form.key: form
    for form in (WARMTH, SCHOOL_AID, TRAINING_STATS, journey("journey_home", "返乡"), journey("journey_back", "返城"),
                 CENTRE_STATS)
}  # fmt: skip
for _form in FORM_TYPES.values():
    _form.check()
