"""The one rule of a range entered in two boxes (从 … 到, 发布日期 … 有效期至): the end may not
come before the start, told next to the end. Every form with a range asks it."""


def in_order(form, cleaned: dict, start: str, end: str, message: str) -> dict:
    """`cleaned[end]` not before `cleaned[start]` (either empty: no rule); the error on `end`."""
    low, high = cleaned.get(start), cleaned.get(end)
    if low is not None and high is not None and high < low:
        form.add_error(end, message)
    return cleaned
