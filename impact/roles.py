"""Who may do what: the roles, the sets of roles the pages and actions allow, and a viewer.

Every role set is defined here once; pages (impact.web.ui), the upload and undo actions
(impact.upload) and the accounts file (impact.users) read them from this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from impact.i18n import N_, _

ROLES = ("public", "analyst", "director", "admin")
ACCOUNT_ROLES = ROLES[1:]  # roles an account or a single sign-on email can hold
EVERYONE = frozenset(ROLES)
STAFF = frozenset({"analyst", "director", "admin"})
DIRECTORS = frozenset({"director", "admin"})  # share links and, later, targets
LOADERS = frozenset({"analyst", "admin"})  # upload files and undo batches
ADMINS = frozenset({"admin"})

_ROLE_LABELS = {
    "public": N_("Public"),
    "analyst": N_("Analyst"),
    "director": N_("Director"),
    "admin": N_("Administrator"),
}


@dataclass(frozen=True)
class User:
    name: str
    role: str
    source: str = "anonymous"  # anonymous | local | sso

    @property
    def signed_in(self) -> bool:
        return self.role != "public"


PUBLIC = User("", "public")


def role_label(role: str) -> str:
    """The role's name in the reader's language."""
    return _(_ROLE_LABELS[role])
