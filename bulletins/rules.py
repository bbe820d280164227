"""Who may publish, change and delete (manual 15–17). Pages ask these predicates to show a
button, and the services ask them again before they act, so the two never disagree."""

from bulletins.models import Category
from org.models import Module, User

NATIONAL_CATEGORIES = {Category.NATIONAL_LAW, Category.ACFTU}  # 15.1, 15.3: 全总 users only
PROVINCE_CATEGORIES = {Category.PROVINCE}  # 15.4: province-level users only


def document_categories_for(user: User) -> list[Category]:
    """The categories of policy documents `user` may publish in (any holder of 政策文件 in
    地方政策法规 and 其他地方工会文件)."""
    if not user.has_module(Module.BULLETINS):
        return []
    depth = user.unit.depth
    return [
        category
        for category in Category
        if (category in NATIONAL_CATEGORIES and depth == 1)
        or (category in PROVINCE_CATEGORIES and depth == 2)
        or category not in NATIONAL_CATEGORIES | PROVINCE_CATEGORIES
    ]


def may_publish_document(user: User) -> bool:
    return bool(document_categories_for(user))


def can_edit_document(user: User, document) -> bool:
    """Only users of the publishing unit, and only in a category they may publish in."""
    return document.unit_id == user.unit_id and document.category in document_categories_for(user)


def may_publish_announcement(user: User) -> bool:
    """Briefs and notices (16, 17): the unit admin of the national unit or of a province, who
    also holds 政策文件."""
    return user.has_module(Module.BULLETINS) and user.has_module(Module.UNIT_ADMIN) and user.unit.depth <= 2


def can_edit_announcement(user: User, row) -> bool:
    return row.unit_id == user.unit_id and may_publish_announcement(user)
