"""The one error a service raises when it refuses an action (DESIGN §5): nothing has changed,
`message` is shown to the user, next to the form field `field` when given."""


class DomainError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def tell(form, error: DomainError) -> None:
    """A refusal on a form: next to the field it names, above the form when it names none of
    the form's fields."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


def saved_or_told(form, save):
    """`save()`'s answer; or None, its refusal told on `form` (nothing was saved)."""
    try:
        return save()
    except DomainError as error:
        tell(form, error)
        return None
