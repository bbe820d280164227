"""The order of Chinese names (姓名): by their pinyin, as a Chinese reader looks a name up, not by
Unicode code point. The embedded PostgreSQL has no ICU collation (pgserver is built
--without-icu), so the key is kept in a column beside the name (Person.name_sort), in the "C"
collation, and the lists sort by it.

The key is the name's syllables in pinyin with their tone number ("li3 ming2"): syllables compare
letter by letter, then by tone; a space ends each syllable, so 李 li3 comes before 梁 liang2.
Letters and digits of a name that are not Chinese characters are kept, lower-cased."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin

# Surnames read otherwise than the character's common reading (单 shàn, not dān).
SURNAME_READINGS = {
    "单": "shan4", "曾": "zeng1", "解": "xie4", "仇": "qiu2", "区": "ou1", "朴": "piao2", "查": "zha1",
    "翟": "zhai2", "盖": "ge3", "乐": "yue4", "召": "shao4", "种": "chong2", "缪": "miao4", "覃": "qin2",
    "秘": "bi4", "尉": "yu4", "长孙": "zhang3 sun1", "万俟": "mo4 qi2",
}  # fmt: skip
KEY_LENGTH = 400  # up to 50 characters of up to 7 letters and a space each


def name_sort_key(name: str) -> str:
    name = (name or "").strip()
    surname = next((s for s in sorted(SURNAME_READINGS, key=len, reverse=True) if name.startswith(s)), "")
    syllables = [SURNAME_READINGS[surname]] if surname else []
    syllables += lazy_pinyin(name[len(surname) :], style=Style.TONE3, neutral_tone_with_five=True)
    return " ".join(s.lower() for s in syllables if s.strip())[:KEY_LENGTH]


def name_sort_field():
    """The column of a name's key, beside the name: byte order ("C"), "" until it is set."""
    return models.CharField(
        _("姓名排序"), max_length=KEY_LENGTH, blank=True, editable=False, db_default="", db_collation="C"
    )


def held_by_name_index(prefix: str, *partition: str) -> models.Index:
    """A list in 姓名 order: the keyset pages of the rows one unit holds, by the pinyin key."""
    key = "head_name_sort" if partition else "name_sort"
    return models.Index(fields=["holder", *partition, key, "id"], name=f"{prefix}_held_name")


class SortsByName:
    """A model mixin keeping `name_sort` with `name` on every save; writers of many rows at once
    (bulk_create, COPY) set it with name_sort_key themselves."""

    def save(self, *args, **kwargs):
        self.name_sort = name_sort_key(self.name)
        fields = kwargs.get("update_fields")
        if fields is not None and "name" in fields:
            kwargs["update_fields"] = {*fields, "name_sort"}
        super().save(*args, **kwargs)


def fill_sort_keys(model, batch: int = 5000) -> None:
    """The key of every name written before the column (a migration's historical model)."""
    rows = []
    for row in model.objects.only("id", "name").order_by("id").iterator(chunk_size=batch):
        row.name_sort = name_sort_key(row.name)
        rows.append(row)
        if len(rows) == batch:
            model.objects.bulk_update(rows, ["name_sort"])
            rows = []
    model.objects.bulk_update(rows, ["name_sort"])
