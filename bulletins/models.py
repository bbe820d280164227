"""Policy documents (政策文件, manual 15), work briefs (工作简报, 16) and notices (通知, 17).

They are not reportable: each belongs to the unit that published it, and who sees it is the
rule of its kind (bulletins.selectors). The body is rich text, sanitised by nh3 before it is
stored (bulletins.services); `body_text` is its plain text, which the search reads."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.utils.translation import gettext_lazy as _

from org.attachments import Attachment
from org.models import Unit


class Category(models.TextChoices):
    """The five kinds of policy documents (15.1–15.5)."""

    NATIONAL_LAW = "national_law", _("国家政策法规")
    LOCAL_LAW = "local_law", _("地方政策法规")
    ACFTU = "acftu", _("全国总工会文件")
    PROVINCE = "province", _("省总工会文件")
    OTHER_LOCAL = "other_local", _("其他地方工会文件")


class Bulletin(models.Model):
    title = models.CharField(_("标题"), max_length=200)
    keywords = models.CharField(_("关键字"), max_length=200, blank=True)
    body = models.TextField(_("正文"))
    body_text = models.TextField(_("正文文字"), editable=False, default="")
    published_on = models.DateField(_("发布日期"))
    unit = models.ForeignKey(Unit, verbose_name=_("发布单位"), on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-published_on", "-id"]

    def __str__(self):
        return self.title


def _trigram(name: str, field: str) -> GinIndex:
    """A substring search (LIKE '%词%') over Chinese text through pg_trgm (bench/results/bulletins.md)."""
    return GinIndex(OpClass(field, name="gin_trgm_ops"), name=name)


def bigrams(text: str) -> list[str]:
    """The text's overlapping two-character pieces, as SQL's bulletins_bigrams() makes them
    (migration 0003): a phrase of two or more characters is in a text only if all its pieces are."""
    return sorted({text[i : i + 2] for i in range(len(text) - 1)})


class Bigrams(models.Func):
    """bulletins_bigrams(column): an IMMUTABLE SQL function (migration 0003)."""

    function = "bulletins_bigrams"
    output_field = ArrayField(models.TextField())


def _bigrams_of(field: str) -> models.GeneratedField:
    """The column's bigrams, kept by the database (a stored generated column): a GIN index finds
    Chinese words of every length ≥ 2 through them, which pg_trgm cannot for two characters; stored,
    not an expression index, because a plan that reads rows by another index then filters on a
    stored array instead of computing the function row by row (bench/results/bulletins.md)."""
    return models.GeneratedField(expression=Bigrams(field), output_field=ArrayField(models.TextField()),
                                 db_persist=True, editable=False)  # fmt: skip


BIGRAM_FIELDS = ("title_bigrams", "number_bigrams", "keywords_bigrams", "body_text_bigrams", "issuer_bigrams")


class PolicyDocument(Bulletin):
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    number = models.CharField(_("文号"), max_length=100, blank=True)
    issuer = models.CharField(_("发文机关"), max_length=100, blank=True)
    effective_on = models.DateField(_("实施日期"), null=True, blank=True)
    is_valid = models.BooleanField(_("是否有效"), default=True)
    # The substring conditions of the search (15.6), each through its bigrams (bulletins.views).
    title_bigrams = _bigrams_of("title")
    number_bigrams = _bigrams_of("number")
    keywords_bigrams = _bigrams_of("keywords")
    body_text_bigrams = _bigrams_of("body_text")
    issuer_bigrams = _bigrams_of("issuer")  # 发布单位或发文机关

    class Meta(Bulletin.Meta):
        verbose_name = _("政策文件")
        verbose_name_plural = _("政策文件")
        indexes = [
            models.Index(fields=["category", "-published_on", "-id"], name="bulletins_doc_category_date"),
            models.Index(fields=["-published_on", "-id"], name="bulletins_doc_date"),
            GinIndex(fields=["title_bigrams"], name="bulletins_doc_title_bigram"),
            GinIndex(fields=["number_bigrams"], name="bulletins_doc_number_bigram"),
            GinIndex(fields=["keywords_bigrams"], name="bulletins_doc_keywords_bigram"),
            GinIndex(fields=["body_text_bigrams"], name="bulletins_doc_body_bigram"),
            GinIndex(fields=["issuer_bigrams"], name="bulletins_doc_issuer_bigram"),
        ]


class Brief(Bulletin):
    issue = models.CharField(_("期号"), max_length=50, blank=True)

    class Meta(Bulletin.Meta):
        verbose_name = _("工作简报")
        verbose_name_plural = _("工作简报")
        indexes = [
            models.Index(fields=["-published_on", "-id"], name="bulletins_brief_date"),
            _trigram("bulletins_brief_title_trgm", "title"),
        ]


class Notice(Bulletin):
    shown = models.BooleanField(_("是否显示"), default=True, help_text=_("选“否”时不在首页显示。"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True, help_text=_("过了这一天不再在首页显示。"))

    class Meta(Bulletin.Meta):
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [
            models.Index(fields=["unit", "-published_on", "-id"], name="bulletins_notice_unit_date"),
            _trigram("bulletins_notice_title_trgm", "title"),
        ]


class NoticeRead(models.Model):
    """A user has opened a notice (the home page marks the others 未读)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "notice"], name="bulletins_notice_read_once")]


class DocumentAttachment(Attachment):
    owner_field = "document"
    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="attachments")


class BriefAttachment(Attachment):
    owner_field = "brief"
    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="attachments")


class NoticeAttachment(Attachment):
    owner_field = "notice"
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
