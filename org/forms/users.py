"""Forms of user management (manual 18.2.5–18.2.7)."""

from django import forms
from django.core.exceptions import ValidationError

from org.forms.account import NewPasswordMixin, clean_phone
from org.models import Gender, Module, User


class UserForm(forms.ModelForm):
    """An account's details and module permissions; the service checks the rules that need the database."""

    modules = forms.MultipleChoiceField(
        label="用户权限",
        choices=Module.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="可选择一项或多项。一个单位只能有一个用户管理员(“用户管理”权限)。",
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "gender", "phone", "position", "email", "modules"]
        labels = {"username": "登录名"}
        help_texts = {"username": "用于登录,全国唯一,不区分大小写。可使用汉字、字母、数字和 @ . + - _。"}
        widgets = {"gender": forms.RadioSelect}

    def __init__(self, *args, unit_admin: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["gender"].choices = Gender.choices
        if unit_admin is not None and unit_admin.pk != self.instance.pk:
            self.fields["modules"].help_text = f"本单位已有用户管理员:{unit_admin},不能再选择“用户管理”。"

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])


class UserCreateForm(UserForm, NewPasswordMixin):
    """新增人员: the default password 123456, or an initial password typed twice."""

    use_default_password = forms.BooleanField(
        label="使用默认口令",
        required=False,
        initial=True,
        help_text="默认口令为 123456。不使用默认口令时,请填写下面的初始密码。",
        widget=forms.CheckboxInput(attrs={"data-hides": "id_new_password1 id_new_password2"}),
    )
    field_order = [*UserForm.Meta.fields, "use_default_password", "new_password1", "new_password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "初始密码"
        self.fields["new_password2"].label = "确认初始密码"
        for name in ("new_password1", "new_password2"):
            self.fields[name].required = False

    @property
    def password_user(self) -> User:
        return User(username=self.cleaned_data.get("username", ""))

    def clean_new_password2(self):
        if self.cleaned_data.get("use_default_password"):
            return ""
        return super().clean_new_password2()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("use_default_password") and not cleaned.get("new_password1"):
            self.add_error("new_password1", ValidationError("不使用默认口令时,请输入初始密码。"))
        return cleaned

    def chosen_password(self) -> str | None:
        """None means the default password."""
        if self.cleaned_data["use_default_password"]:
            return None
        return self.cleaned_data["new_password1"]
