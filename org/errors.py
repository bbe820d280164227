"""The one error a service raises when it refuses an action (DESIGN §5): nothing has changed,
`message` is shown to the user, next to the form field `field` when given."""


class DomainError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
