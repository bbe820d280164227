"""Forms of the org app shared by several pages."""

import re

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from org.models import Unit, User

_PHONE = re.compile(r"^[0-9()\-+ 转]{5,30}$")
_DIGITS = re.compile(r"^[0-9]+$")


def clean_phone(value: str) -> str:
    value = value.strip()
    if value and not _PHONE.match(value):
        raise ValidationError("电话号码只能包含数字、空格和 - ( ) + 转,长度 5–30 位。")
    return value


def clean_postal_code(value: str) -> str:
    value = value.strip()
    if value and not (len(value) == 6 and _DIGITS.match(value)):
        raise ValidationError("邮政编码应为 6 位数字。")
    return value


class UnitContactForm(forms.ModelForm):
    """The contact details of a unit (manual 0.4, 18.2.1, 20): what the directory shows."""

    class Meta:
        model = Unit
        fields = [
            "address", "postal_code", "area_code", "person_in_charge", "leader_phone", "office_phone",
            "duty_phone", "fax", "email", "is_help_centre", "introduction",
        ]  # fmt: skip
        widgets = {"introduction": forms.Textarea(attrs={"rows": 4})}

    required_fields = ("address", "postal_code", "person_in_charge", "office_phone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.required_fields:
            if name in self.fields:
                self.fields[name].required = True

    def clean_postal_code(self):
        return clean_postal_code(self.cleaned_data["postal_code"])

    def clean_area_code(self):
        value = self.cleaned_data["area_code"].strip()
        if value and not (_DIGITS.match(value) and value.startswith("0") and 3 <= len(value) <= 4):
            raise ValidationError("区号应为以 0 开头的 3–4 位数字,例如 028。")
        return value

    def clean_leader_phone(self):
        return clean_phone(self.cleaned_data["leader_phone"])

    def clean_office_phone(self):
        return clean_phone(self.cleaned_data["office_phone"])

    def clean_duty_phone(self):
        return clean_phone(self.cleaned_data["duty_phone"])

    def clean_fax(self):
        return clean_phone(self.cleaned_data["fax"])


class NewPasswordMixin(forms.Form):
    """Two password fields checked against AUTH_PASSWORD_VALIDATORS for `self.password_user`,
    whose current password the new one must differ from."""

    new_password1 = forms.CharField(
        label="新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少 8 位,包含大写字母、小写字母、数字、符号中的至少 3 类,且不能包含登录名。",
    )
    new_password2 = forms.CharField(
        label="确认新密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean_new_password2(self):
        first = self.cleaned_data.get("new_password1")
        second = self.cleaned_data.get("new_password2")
        if first and second and first != second:
            raise ValidationError("两次输入的新密码不一致。")
        if second:
            try:
                password_validation.validate_password(second, self.password_user)
            except ValidationError as exc:
                self.add_error("new_password1", exc)
            if self.password_user.check_password(second):
                self.add_error("new_password1", "新密码不能与当前密码相同。")
        return second


class ProfileForm(forms.ModelForm):
    """Personal details every user confirms at first sign-in (manual 0.3)."""

    class Meta:
        model = User
        fields = ["full_name", "gender", "phone", "position", "email"]
        widgets = {"gender": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("full_name", "gender", "phone"):
            self.fields[name].required = True

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])


class FirstProfileForm(ProfileForm, NewPasswordMixin):
    """Profile plus, for a user still on the default password, the new password."""

    def __init__(self, *args, require_new_password: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.password_user = self.instance
        if not require_new_password:
            del self.fields["new_password1"]
            del self.fields["new_password2"]


class PasswordChangeForm(NewPasswordMixin):
    old_password = forms.CharField(
        label="原密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    field_order = ["old_password", "new_password1", "new_password2"]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.password_user = user

    def clean_old_password(self):
        value = self.cleaned_data["old_password"]
        if not self.password_user.check_password(value):
            raise ValidationError("原密码不正确。")
        return value


class SecondFactorForm(forms.Form):
    """A 6-digit TOTP token; when signing in with a bound device, a recovery code too."""

    token = forms.CharField(
        label="动态口令",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def __init__(self, *args, binding: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.binding = binding
        if not binding:
            self.fields["token"].label = "动态口令或恢复码"
            self.fields["token"].help_text = "手机验证器显示的 6 位数字;手机不在身边时可输入一个 8 位恢复码。"

    def clean_token(self):
        token = self.cleaned_data["token"].strip().replace(" ", "")
        totp = len(token) == 6 and token.isascii() and token.isdigit()
        recovery = len(token) == 8 and token.isalnum() and not self.binding
        if not (totp or recovery):
            raise ValidationError(
                "请输入手机验证器显示的 6 位数字。" if self.binding else "请输入 6 位动态口令或 8 位恢复码。"
            )
        return token
