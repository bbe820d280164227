from django import forms

from approvals.lists import Column, ReportableListView
from tests.reporting.models import SampleRecord


class SampleFilterForm(forms.Form):
    title = forms.CharField(label="标题", required=False)


class SampleRecordListView(ReportableListView):
    model = SampleRecord
    title = "测试记录"
    columns = [Column("title", "标题"), Column("complete", "信息完整")]
    filter_form_class = SampleFilterForm

    def filter_queryset(self, queryset, data):
        if data.get("title"):
            queryset = queryset.filter(title__icontains=data["title"])
        return queryset
