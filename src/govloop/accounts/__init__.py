"""Platform accounts: users with roles, argon2id passwords and hashed API tokens.

Typical use::

    from govloop.accounts import Accounts, Role

    accounts = Accounts(store)
    accounts.create_user("cac-reviewer", "a long passphrase", Role.REGULATOR, jurisdiction="CN")
    user = accounts.authenticate("cac-reviewer", "a long passphrase")
    token, info = accounts.issue_token(user.id, "ci")

Roles and ownership are data here; which route each role may use is the web layer's business.
"""

from govloop.accounts._accounts import TOKEN_PREFIX, Accounts, hash_token
from govloop.accounts._models import Role, TokenInfo, User
from govloop.accounts._passwords import (
    MAX_PASSWORD_CHARS,
    MIN_PASSWORD_CHARS,
    Hasher,
    check_password_rule,
)

__all__ = [
    "Accounts",
    "Hasher",
    "MAX_PASSWORD_CHARS",
    "MIN_PASSWORD_CHARS",
    "Role",
    "TOKEN_PREFIX",
    "TokenInfo",
    "User",
    "check_password_rule",
    "hash_token",
]
