from django.urls import path

from records import views, views_detail, views_export, views_import, views_manage, views_modify

# The households' own pages; the lists, the entry form, a file's page and its documents are the
# kit's pages of the files module (records.households.module: `files:…`, also under /files/).
app_name = "records"

urlpatterns = [
    path("restore/", views.file_restore, name="file_restore"),
    path("modify/", views_modify.file_modify, name="file_modify"),
    path("blank-form/", views_detail.blank_file_word, name="file_blank_form"),
    path("import/", views_import.file_import, name="file_import"),
    path("import/template/", views_import.file_import_template, name="file_import_template"),
    path("import/<int:pk>/", views_import.file_import_detail, name="file_import_detail"),
    # 高级档案管理 (manual 2.9): unit admins only
    path("manage/", views_manage.manage_home, name="manage"),
    path("manage/merge/", views_manage.merge_duplicates, name="merge_duplicates"),
    path("manage/merge-two/", views_manage.merge_two, name="merge_two"),
    path("manage/merge/edit/", views_manage.merge_edit, name="merge_edit"),
    path("manage/merged/<int:pk>/", views_manage.merge_result, name="merge_result"),
    path("manage/transfer/", views_manage.transfer_files, name="transfer_files"),
    path("manage/transfer-unit/", views_manage.transfer_unit, name="transfer_unit"),
    path("manage/requests/<int:pk>/", views_manage.transfer_request, name="transfer_request"),
    path(
        "manage/requests/<int:pk>/withdraw/", views_manage.transfer_request_withdraw, name="transfer_request_withdraw"
    ),
    # 批量导出/下载档案 (manual 2.5)
    path("exports/", views_export.export_list, name="exports"),
    path("exports/new/", views_export.export_create, name="export_create"),
    path("exports/otp/setting/", views_export.export_otp_setting, name="export_otp_setting"),
    path("exports/<int:pk>/edit/", views_export.export_edit, name="export_edit"),
    path("exports/<int:pk>/delete/", views_export.export_delete, name="export_delete"),
    path("exports/<int:pk>/decide/", views_export.export_decide, name="export_decide"),
    path("exports/<int:pk>/run-now/", views_export.export_run_now, name="export_run_now"),
    path("exports/<int:pk>/download/", views_export.export_download, name="export_download"),
    path("<int:pk>/cancel/", views.file_cancel, name="file_cancel"),
    path("<int:pk>/convert/", views.file_convert, name="file_convert"),
    path("<int:pk>/regularize/", views.file_regularize, name="file_regularize"),
]
