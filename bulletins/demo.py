"""Demo policy documents, briefs and notices for `make run` (seed_demo calls `load`): published
through the services by the demo logins that may publish them, one notice with an attachment,
so the home page and the three lists show something at every level."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bulletins import services
from bulletins.kinds import BRIEF, DOCUMENT, NOTICE
from bulletins.models import Category
from org.models import Module, User

DOCUMENTS = [
    # username, category, title, number, issuer, body
    ("quanzong", Category.NATIONAL_LAW, "中华人民共和国劳动合同法", "主席令第六十五号", "全国人民代表大会常务委员会",
     "第一条 为了完善劳动合同制度,明确劳动合同双方当事人的权利和义务,保护劳动者的合法权益,构建和发展和谐稳定的劳动关系,制定本法。"),
    ("quanzong", Category.ACFTU, "关于进一步做好困难职工帮扶工作的意见", "总工发〔2026〕12号", "中华全国总工会",
     "各级工会要把困难职工帮扶工作摆在突出位置,做到底数清、情况明,建立健全困难职工档案,实行动态管理。"),
    ("sichuan_bf", Category.PROVINCE, "四川省总工会困难职工帮扶资金管理办法", "川工发〔2026〕8号", "四川省总工会",
     "第一条 为规范困难职工帮扶资金的使用和管理,提高资金使用效益,根据有关规定,结合我省实际,制定本办法。"),
    ("jiangjie", Category.LOCAL_LAW, "成都市最低生活保障实施办法", "成府发〔2025〕3号", "成都市人民政府",
     "第一条 为保障城乡困难群众基本生活,根据《社会救助暂行办法》,结合本市实际,制定本办法。"),
]  # fmt: skip

BRIEFS = [
    ("quanzong", "全国工会帮扶工作简报", "2026年第10期", "各地工会深入开展困难职工解困脱困工作,帮扶中心服务能力持续提升。"),
    ("sichuan", "四川工会帮扶工作简报", "2026年第6期", "全省各级工会开展金秋助学活动,资助困难职工子女入学。"),
]  # fmt: skip

NOTICES = [
    # username, title, days ago, shown, valid for days, body
    ("quanzong", "关于做好2027年元旦春节送温暖活动的通知", 1, True, 60,
     "各省、自治区、直辖市总工会:\n请认真做好2027年元旦春节期间走访慰问困难职工工作,按时报送送温暖工程统计表。"),
    ("quanzong", "关于开展困难职工档案年度核查的通知", 10, True, None,
     "请各级工会于年底前完成困难职工档案年度核查,更新家庭收入和困难原因。"),
    ("quanzong", "系统维护通知(已结束)", 40, False, None, "系统已于上月完成维护。"),
    ("sichuan", "关于报送四川省金秋助学名单的通知", 3, True, 30, "请各市(州)总工会于本月底前报送金秋助学资助名单。"),
]  # fmt: skip


def _publisher(username: str) -> User:
    """The demo login; the province admin is given 政策文件 to manage the province's notices."""
    user = User.objects.select_related("unit").get(username=username)
    if user.has_module(Module.UNIT_ADMIN) and not user.has_module(Module.BULLETINS):
        user.modules = [*user.modules, Module.BULLETINS]
        user.save(update_fields=["modules"])
    return user


def load(password: str) -> str:
    today = timezone.localdate()
    for username, category, title, number, issuer, body in DOCUMENTS:
        data = {"category": category, "title": title, "number": number, "issuer": issuer, "published_on": today,
                "effective_on": None, "keywords": title[:4], "is_valid": True, "body": body}  # fmt: skip
        services.bulletin_create(actor=_publisher(username), kind=DOCUMENT, data=data)
    for username, title, issue, body in BRIEFS:
        data = {"title": title, "issue": issue, "published_on": today, "keywords": "", "body": body}
        services.bulletin_create(actor=_publisher(username), kind=BRIEF, data=data)
    for username, title, days_ago, shown, valid_days, body in NOTICES:
        published = today - timedelta(days=days_ago)
        data = {"title": title, "published_on": published, "shown": shown, "body": body,
                "valid_until": published + timedelta(days=valid_days) if valid_days else None}  # fmt: skip
        actor = _publisher(username)
        notice = services.bulletin_create(actor=actor, kind=NOTICE, data=data)
        if days_ago == 1:
            upload = SimpleUploadedFile("送温暖活动安排.txt", "一、走访慰问对象\n二、慰问标准\n三、报送时间\n".encode())
            services.bulletin_attach(actor=actor, kind=NOTICE, row=notice, upload=upload)
    return f"{len(DOCUMENTS)} 份政策文件、{len(BRIEFS)} 期工作简报、{len(NOTICES)} 条通知"
