class ApplicationError(Exception):
    """A business rule said no. ``message`` is shown to the person as it is (Chinese UI text)."""

    def __init__(self, message: str, *, code: str = "error"):
        super().__init__(message)
        self.message = message
        self.code = code
