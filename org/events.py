"""The audit events of org (audit.events registers them; the viewer lists them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.events import register


@register
class OrgEvent(models.TextChoices):
    """Units, users, code tables, help centres, the second factor and the three administrators."""

    PASSWORD_CHANGED = "password_changed", _("修改密码")
    PASSWORD_EXPIRED = "password_expired", _("密码过期须修改")
    FIRST_SIGN_IN = "first_sign_in", _("首次登录核实")
    USER_CREATED = "user_created", _("新增人员")
    USER_CHANGED = "user_changed", _("编辑人员")
    USER_DELETED = "user_deleted", _("删除人员")
    USERS_ORDERED = "users_ordered", _("人员排序")
    PERMISSIONS_CHANGED = "permissions_changed", _("修改用户权限")
    UNIT_CREATED = "unit_created", _("新建单位")
    UNIT_CHANGED = "unit_changed", _("编辑单位")
    UNIT_DELETED = "unit_deleted", _("删除单位")
    UNIT_MOVED = "unit_moved", _("剪切粘贴单位")
    UNITS_ORDERED = "units_ordered", _("单位排序")
    CODE_CHANGED = "code_changed", _("代码表维护")
    HELP_CENTRE_CHANGED = "help_centre_changed", _("帮扶中心信息")
    OTP_DEVICE_CONFIRMED = "otp_device_confirmed", _("绑定动态口令")
    OTP_VERIFIED = "otp_verified", _("动态口令验证")
    OTP_DEVICE_RESET = "otp_device_reset", _("重置动态口令")
    RECOVERY_CODES_ISSUED = "recovery_codes_issued", _("生成动态口令恢复码")
    DUTY_ASSIGNED = "duty_assigned", _("设置三员账户")
    ACCOUNT_UNLOCKED = "account_unlocked", _("解除账户锁定")
    SECURITY_SETTING_CHANGED = "security_setting_changed", _("修改安全设置")
    ATTACHMENT_ADDED = "attachment_added", _("上传附件")
    ATTACHMENT_DELETED = "attachment_deleted", _("删除附件")
    ATTACHMENT_DOWNLOADED = "attachment_downloaded", _("下载附件")
