"""Union units, their users, code tables and help-centre profiles (manual chapter 18)."""

from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import OpClass
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

MAX_DEPTH = 5  # national → province → city → county → street (grassroots)

LEVEL_NAMES = {1: _("全总"), 2: _("省总"), 3: _("市"), 4: _("区县"), 5: _("街道(基层)")}


class Unit(MP_Node):
    """A trade-union unit. `path` (materialized path) is the scope key of every reportable row.

    Children are shown by `display_order`, then by `path` (creation order): re-ordering
    siblings must never rewrite `path`, which millions of rows copy as `unit_path`.
    """

    steplen = 4
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

    name = models.CharField(_("单位名称"), max_length=100)
    code = models.CharField(_("单位代码"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    postal_code = models.CharField(_("邮政编码"), max_length=6, blank=True)
    area_code = models.CharField(_("区号"), max_length=6, blank=True)
    person_in_charge = models.CharField(_("负责人"), max_length=50, blank=True)
    leader_phone = models.CharField(_("负责人电话"), max_length=30, blank=True)
    office_phone = models.CharField(_("办公电话"), max_length=30, blank=True)
    duty_phone = models.CharField(_("值班电话"), max_length=30, blank=True)
    fax = models.CharField(_("传真"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮件"), blank=True)
    introduction = models.TextField(_("中心简介"), blank=True)
    is_help_centre = models.BooleanField(_("是帮扶中心"), default=False)
    details_confirmed = models.BooleanField(
        _("单位信息已核实"), default=False, help_text=_("本单位第一位登录的用户核实并补全单位信息后为是。")
    )
    display_order = models.PositiveIntegerField(_("显示顺序"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # Manual 2.5.4: province level and above always, other units when they ask for it, download
    # bulk exports only with a second factor (records.exports.download_needs_otp).
    export_download_otp = models.BooleanField(
        _("下载批量导出数据须验证动态口令"),
        default=False,
        help_text=_("省级及以上单位始终需要;其他单位可自行开启。"),
    )
    # MLPS 2.0 level 3: some users always sign in with a second factor (org.second_factor);
    # a unit may ask it of all its users.
    sign_in_otp = models.BooleanField(
        _("本单位用户登录须验证动态口令"),
        default=False,
        help_text=_("开启后本单位所有用户登录时都须输入动态口令。"),
    )

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        indexes = [
            # Subtree scans are `path LIKE 'prefix%'`; text_pattern_ops makes them index scans.
            models.Index(OpClass("path", name="text_pattern_ops"), name="org_unit_path_prefix"),
            models.Index(fields=["name"], name="org_unit_name"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(depth__gte=1, depth__lte=MAX_DEPTH), name="org_unit_depth_1_to_5"),
        ]

    def __str__(self):
        return self.name

    @property
    def level_name(self):
        return LEVEL_NAMES.get(self.depth, "")

    def is_within(self, ancestor: "Unit") -> bool:
        """True for `ancestor` itself and every unit below it."""
        return self.path.startswith(ancestor.path)

    def parent_unit(self):
        """The parent, or None for the national unit (treebeard's get_parent caches oddly)."""
        if self.depth == 1:
            return None
        return Unit.objects.get(path=self.path[: -self.steplen])


class Module(models.TextChoices):
    """Module permissions (GLOSSARY.md). `unit_admin` is the unit's user administrator."""

    FILES = "files", _("困难职工档案")
    ASSISTANCE = "assistance", _("帮扶救助")
    PETITIONS = "petitions", _("信访接待")
    CONSULTATIONS = "consultations", _("政策咨询")
    LEGAL_AID = "legal_aid", _("法律援助")
    JOBS = "jobs", _("职业介绍")
    TRAINING = "training", _("技能培训")
    STAT_FORMS = "stat_forms", _("报表管理")
    FUNDS = "funds", _("财政专项资金")
    BULLETINS = "bulletins", _("政策文件")
    UNIT_ADMIN = "unit_admin", _("用户管理")


class Duty(models.TextChoices):
    """三员 (MLPS 2.0 level 3, separation of duties): three administrator accounts that hold no
    business module and no two of these duties. "" is every other user."""

    NONE = "", _("业务用户")
    SYSTEM = "system", _("系统管理员")
    SECURITY = "security", _("安全管理员")
    AUDIT = "audit", _("审计管理员")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


DISPLAY_TIERS = 6  # manual 18.2.8: 人员排列的最多层数为6层


class User(AbstractUser):
    """An account of one unit. Module permissions are stored on the row (manual 18.2.5)."""

    unit = models.ForeignKey(Unit, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="users")
    modules = ArrayField(
        models.CharField(max_length=20, choices=Module.choices),
        verbose_name=_("用户权限"),
        default=list,
        blank=True,
    )
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    position = models.CharField(_("职务"), max_length=50, blank=True)
    display_order = models.PositiveIntegerField(_("显示顺序"), default=0)
    # 18.2.8: "人员排列的最多层数为6层": users are shown by tier (a rank, 1 first), then display_order.
    display_tier = models.PositiveSmallIntegerField(_("显示层"), default=1)
    must_change_password = models.BooleanField(_("须修改密码"), default=True)
    unit_confirmed = models.BooleanField(_("已确认单位"), default=False)
    profile_confirmed = models.BooleanField(_("已核实个人信息"), default=False)
    # One field, so no account can hold two of the three duties. Set only by
    # `manage.py create_duty_admins`, never by the user pages (org.duties).
    duty = models.CharField(_("三员职责"), max_length=10, choices=Duty.choices, default=Duty.NONE, blank=True)
    # Null for an account whose password was set outside org.passwords.password_set (created
    # by an admin, createsuperuser): its age then counts from date_joined (password_expired).
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            # Manual 18: every unit has at most one unit admin.
            models.UniqueConstraint(
                fields=["unit"], condition=Q(modules__contains=["unit_admin"]), name="org_user_one_admin_per_unit"
            ),
            models.CheckConstraint(condition=Q(modules__contained_by=Module.values), name="org_user_modules_known"),
            # 三员 hold no module: the system administrator's user administration comes with the
            # duty (org.permissions.is_user_admin), so none of them reaches business data.
            models.CheckConstraint(
                condition=Q(duty=Duty.NONE) | Q(modules=[]), name="org_user_duty_without_business_modules"
            ),
            models.UniqueConstraint(
                fields=["unit", "duty"], condition=~Q(duty=Duty.NONE), name="org_user_one_of_each_duty_per_unit"
            ),
            models.CheckConstraint(
                condition=Q(display_tier__gte=1, display_tier__lte=DISPLAY_TIERS), name="org_user_display_tier_1_to_6"
            ),
        ]
        indexes = [models.Index(Upper("username"), name="org_user_username_upper")]

    def __str__(self):
        return self.full_name or self.username

    def get_modules_display(self) -> list[str]:
        return [Module(m).label for m in Module.values if m in self.modules]

    @property
    def is_unit_admin(self) -> bool:
        return Module.UNIT_ADMIN in self.modules

    def has_module(self, module: str) -> bool:
        return self.is_active and module in self.modules

    @property
    def first_sign_in_pending(self) -> bool:
        return self.must_change_password or not self.unit_confirmed or not self.profile_confirmed


class CodeTable(models.Model):
    """One code table (代码表), e.g. ethnicity. Its `key` is what record models refer to."""

    key = models.SlugField(_("代码表标识"), max_length=40, unique=True)
    name = models.CharField(_("代码表名称"), max_length=50)
    display_order = models.PositiveIntegerField(_("显示顺序"), default=0)

    class Meta:
        verbose_name = _("代码表")
        verbose_name_plural = _("代码表")
        ordering = ["display_order", "id"]

    def __str__(self):
        return self.name


class Code(models.Model):
    """One value of a code table. Record models point at it with on_delete=PROTECT, which is
    what makes "refused while in use" hold for every module without a list of users."""

    table = models.ForeignKey(CodeTable, on_delete=models.CASCADE, related_name="codes", verbose_name=_("代码表"))
    value = models.CharField(_("代码值"), max_length=50)
    display_order = models.PositiveIntegerField(_("显示顺序"), default=0)

    class Meta:
        verbose_name = _("代码")
        verbose_name_plural = _("代码")
        ordering = ["display_order", "id"]
        constraints = [models.UniqueConstraint(fields=["table", "value"], name="org_code_unique_value_per_table")]

    def __str__(self):
        return self.value


def code_field(table_key: str, verbose_name, *, required: bool = False) -> models.ForeignKey:
    """A choice from one code table (代码表). PROTECT: a value in use cannot be deleted (18.1.3)."""
    return models.ForeignKey(
        Code,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"table__key": table_key},
        null=not required,
        blank=not required,
    )


def code_table_of(model_field) -> str | None:
    """The code table a record's foreign key to Code chooses from (its limit_choices_to, as
    code_field declares it); None for any other field."""
    if getattr(model_field, "related_model", None) is not Code:
        return None
    limit = model_field.remote_field.limit_choices_to
    return limit.get("table__key") if isinstance(limit, dict) else None


class HelpCentreProfile(models.Model):
    """What a help centre (帮扶中心) reports about itself (manual 18.3.1)."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="help_centre", verbose_name=_("单位"))
    centre_name = models.CharField(_("帮扶中心名称"), max_length=100)
    established_on = models.DateField(_("成立时间"), null=True, blank=True)
    floor_area = models.DecimalField(_("办公面积(平方米)"), max_digits=9, decimal_places=2, null=True, blank=True)
    full_time_staff = models.PositiveIntegerField(_("专职工作人员数"), default=0)
    part_time_staff = models.PositiveIntegerField(_("兼职工作人员数"), default=0)
    service_windows = models.PositiveIntegerField(_("服务窗口数"), default=0)
    has_independent_premises = models.BooleanField(_("有独立办公场所"), default=False)
    has_hotline = models.BooleanField(_("开通服务热线"), default=False)
    hotline = models.CharField(_("服务热线号码"), max_length=30, blank=True)
    annual_budget = models.DecimalField(_("年度工作经费(万元)"), max_digits=12, decimal_places=2, null=True, blank=True)
    services = models.TextField(_("主要服务项目"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("帮扶中心信息")
        verbose_name_plural = _("帮扶中心信息")
        constraints = [
            models.CheckConstraint(
                condition=Q(has_hotline=False) | ~Q(hotline=""), name="org_helpcentre_hotline_when_enabled"
            ),
        ]

    def __str__(self):
        return self.centre_name


class PasswordHistory(models.Model):
    """The hashes of a user's most recent passwords (PASSWORD_HISTORY_COUNT of them), so a new
    password cannot be one of them (MLPS 2.0 level 3). Written only by org.passwords.password_set."""

    # No index of its own: the (user, -created_at) index below serves every lookup by user.
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", db_index=False)
    password = models.CharField(_("密码"), max_length=128)
    created_at = models.DateTimeField(_("设置时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        indexes = [models.Index(fields=["user", "-created_at"], name="org_passwordhistory_recent")]

    def __str__(self):
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d %H:%M}"
