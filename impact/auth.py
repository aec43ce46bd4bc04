"""Who is looking. (Placeholder until the sign-in issue lands: everyone is a local admin.)"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("public", "analyst", "director", "admin")


@dataclass(frozen=True)
class User:
    name: str
    role: str

    @property
    def signed_in(self) -> bool:
        return self.role != "public"


def current_user() -> User:
    """The signed-in person. Until sign-in exists, the app runs as a local admin."""
    return User("local", "admin")
