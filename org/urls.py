from django.urls import path

from org.views import account, audit_log, codes, directory, help_centre, second_factor, security, units, users

app_name = "org"

urlpatterns = [
    # First sign-in (manual 0.3–0.4) and the own account
    path("first-sign-in/unit/", account.confirm_unit, name="first_unit_confirm"),
    path("first-sign-in/profile/", account.complete_profile, name="first_profile"),
    path("first-sign-in/unit-details/", account.complete_unit_details, name="first_unit_details"),
    path("account/password/", account.change_password, name="password_change"),
    path("account/second-factor/", second_factor.second_factor_step, name="second_factor"),
    path("account/second-factor/manage/", second_factor.second_factor_manage, name="second_factor_manage"),
    path("account/second-factor/recovery-codes/", second_factor.recovery_codes_new, name="recovery_codes_new"),
    # Units and users of the unit admin's subtree (manual 18.2)
    path("units/", units.unit_home, name="units"),
    path("units/<int:pk>/", units.unit_detail, name="unit_detail"),
    path("units/<int:pk>/children/new/", units.unit_create, name="unit_create"),
    path("units/<int:pk>/edit/", units.unit_edit, name="unit_edit"),
    path("units/<int:pk>/delete/", units.unit_delete, name="unit_delete"),
    path("units/<int:pk>/cut/", units.unit_cut, name="unit_cut"),
    path("units/<int:pk>/paste/", units.unit_paste, name="unit_paste"),
    path("units/<int:pk>/order/", units.unit_order, name="unit_order"),
    path("units/<int:pk>/order/reset/", units.unit_order_reset, name="unit_order_reset"),
    path("units/<int:pk>/users/new/", users.user_create, name="user_create"),
    path("units/<int:pk>/users/order/", users.user_order, name="user_order"),
    path("units/<int:pk>/users/order/reset/", users.user_order_reset, name="user_order_reset"),
    path("users/", users.user_search, name="user_search"),
    path("users/<int:pk>/edit/", users.user_edit, name="user_edit"),
    path("users/<int:pk>/delete/", users.user_delete, name="user_delete"),
    path("users/<int:pk>/password/reset/", users.user_password_reset, name="user_password_reset"),
    path("users/<int:pk>/otp/reset/", users.user_otp_reset, name="user_otp_reset"),
    # 审计日志: the audit administrator (三员)
    path("audit/", audit_log.audit_log, name="audit_log"),
    path("audit/export/", audit_log.audit_export, name="audit_export"),
    # 安全管理: the security administrator (三员)
    path("security/", security.security_home, name="security"),
    path("security/unlock/", security.account_unlock, name="account_unlock"),
    path("security/otp-reset/", security.otp_reset, name="security_otp_reset"),
    path("security/unit-otp/", security.unit_sign_in_otp, name="security_unit_otp"),
    # Code tables (manual 18.1), national unit admin only
    path("codes/", codes.code_tables, name="code_tables"),
    path("codes/<int:table_pk>/add/", codes.code_add, name="code_add"),
    path("codes/<int:table_pk>/order/", codes.code_order, name="code_order"),
    path("codes/value/<int:pk>/rename/", codes.code_rename, name="code_rename"),
    path("codes/value/<int:pk>/delete/", codes.code_delete, name="code_delete"),
    # Help-centre profile (18.3.1) and the cross-region directory (chapter 20)
    path("help-centre/", help_centre.help_centre_profile, name="help_centre"),
    path("help-centres/", help_centre.help_centre_query, name="help_centre_query"),
    path("directory/", directory.directory, name="directory"),
    path("directory/<int:pk>/", directory.directory_unit, name="directory_unit"),
]
