"""Password validators whose messages Django's Italian catalogue does not translate."""

from __future__ import annotations

from django.contrib.auth import password_validation


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, in Italian: its 5.2 message has no Italian translation yet, and an office
    creating an account must read why the password was refused."""

    def get_error_message(self) -> str:
        return (f"Questa password è troppo corta: deve contenere almeno {self.min_length} "
                "caratteri.")

    def get_help_text(self) -> str:
        return f"La password deve contenere almeno {self.min_length} caratteri."
