"""The standard code tables (manual 18.1) and their values, in display order.

The data lives here, not in app code, so the migration keeps meaning the same thing however
the app changes later.
"""

from django.db import migrations

ETHNIC_GROUPS = [
    # GB 3304 order, 汉族 first
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
    "其他",
]

INDUSTRY_SECTIONS = [
    # GB/T 4754-2017 sections A–T
    "农、林、牧、渔业",
    "采矿业",
    "制造业",
    "电力、热力、燃气及水生产和供应业",
    "建筑业",
    "批发和零售业",
    "交通运输、仓储和邮政业",
    "住宿和餐饮业",
    "信息传输、软件和信息技术服务业",
    "金融业",
    "房地产业",
    "租赁和商务服务业",
    "科学研究和技术服务业",
    "水利、环境和公共设施管理业",
    "居民服务、修理和其他服务业",
    "教育",
    "卫生和社会工作",
    "文化、体育和娱乐业",
    "公共管理、社会保障和社会组织",
    "国际组织",
]

CODE_TABLES = [
    # key, name, values in display order
    ("ethnicity", "民族", ETHNIC_GROUPS),
    ("political_status", "政治面貌", ["中共党员", "中共预备党员", "共青团员", "民主党派", "无党派人士", "群众"]),
    ("health", "健康状况", ["健康", "一般", "较差", "患大病", "慢性病", "残疾"]),
    (
        "disability_category",
        "残疾类别",
        ["视力残疾", "听力残疾", "言语残疾", "肢体残疾", "智力残疾", "精神残疾", "多重残疾"],
    ),
    ("disability_grade", "残疾等级", ["一级", "二级", "三级", "四级"]),
    (
        "housing_type",
        "住房类型",
        ["自有住房", "承租单位公房", "承租直管公房", "廉租住房", "租赁私房", "借住亲友房屋", "无固定住所", "其他"],
    ),
    ("industry", "所属行业", INDUSTRY_SECTIONS),
    (
        "employer_nature",
        "单位性质",
        [
            "国有企业",
            "集体企业",
            "股份合作企业",
            "联营企业",
            "有限责任公司",
            "股份有限公司",
            "私营企业",
            "港澳台商投资企业",
            "外商投资企业",
            "个体经济",
            "机关",
            "事业单位",
            "社会团体",
            "其他",
        ],
    ),
    ("enterprise_status", "企业状况", ["正常经营", "亏损企业", "停产半停产", "破产", "关闭", "改制", "其他"]),
    ("household_registration", "户口类型", ["城镇", "农村"]),
    ("marital_status", "婚姻状况", ["未婚", "已婚", "丧偶", "离婚", "其他"]),
    (
        "hardship_cause",
        "致困原因",
        [
            "本人大病",
            "家属大病",
            "子女上学",
            "残疾",
            "失业下岗",
            "企业经营困难",
            "意外灾害",
            "收入低",
            "单亲家庭",
            "其他",
        ],
    ),
    ("identity", "身份", ["职工", "农民工", "下岗职工", "失业人员", "退休人员", "其他"]),
    (
        "relation",
        "与户主关系",
        [
            "丈夫",
            "妻子",
            "儿子",
            "女儿",
            "父亲",
            "母亲",
            "公公",
            "婆婆",
            "岳父",
            "岳母",
            "祖父",
            "祖母",
            "孙子",
            "孙女",
            "兄弟",
            "姐妹",
            "儿媳",
            "女婿",
            "其他",
        ],
    ),
    ("model_worker_type", "劳模类型", ["非劳模", "全国劳模", "省部级劳模", "地市级劳模", "其他劳模"]),
    (
        "medical_insurance",
        "医疗保险",
        [
            "城镇职工基本医疗保险",
            "城乡居民基本医疗保险",
            "新型农村合作医疗",
            "公费医疗",
            "商业医疗保险",
            "未参加医疗保险",
        ],
    ),
    ("self_help_ability", "自救能力", ["有", "部分", "没有"]),
    (
        "assistance_category",
        "帮扶类别",
        ["本人大病", "家属大病", "子女上学", "意外灾害", "生活困难", "失业下岗", "其他"],
    ),
    ("assistance_form", "帮扶形式", ["入户救助", "来访救助", "集中救助", "结对帮扶", "其他"]),
    (
        "assistance_measure",
        "帮扶措施",
        ["生活救助", "医疗救助", "助学救助", "就业援助", "技能培训", "法律援助", "送物", "其他"],
    ),
    (
        "exit_method",
        "脱困方式",
        ["疾病治愈", "实现就业", "子女完成学业", "收入增加", "纳入社会保障", "其他"],
    ),
]


def seed(apps, schema_editor):
    CodeTable = apps.get_model("org", "CodeTable")
    Code = apps.get_model("org", "Code")
    for table_order, (key, name, values) in enumerate(CODE_TABLES, start=1):
        table = CodeTable.objects.create(key=key, name=name, display_order=table_order)
        Code.objects.bulk_create(
            Code(table=table, value=value, display_order=order) for order, value in enumerate(values, start=1)
        )


def unseed(apps, schema_editor):
    apps.get_model("org", "CodeTable").objects.filter(key__in=[key for key, _, _ in CODE_TABLES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
