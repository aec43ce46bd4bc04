"""Keyed pseudonymisation of participant ids (HMAC-SHA256, key outside the database)."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_BYTES = 32


def load_or_create_key(path: Path) -> bytes:
    """Read the key, creating it on first use with owner-only permissions (0600)."""
    if path.exists():
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
        if len(key) != KEY_BYTES:
            raise ValueError(f"The pseudonymisation key {path} is damaged (wrong length).")
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    # written whole under a private name, then linked into place: two first loads at once
    # (the app and the command line) never see a half-written key or replace each other's
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key.hex() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(draft, path)
        except FileExistsError:
            return load_or_create_key(path)  # another process made it a moment ago: use theirs
        except OSError:  # a file system without hard links: create it in place, exclusively
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(key.hex() + "\n")
    finally:
        draft.unlink(missing_ok=True)
    return key


def participant_key(key: bytes, participant_id: str) -> int:
    """The stored stand-in for a participant id: the first 64 bits of its HMAC-SHA256.

    64 bits keep unique-people counts fast on ten million rows; a collision among even
    ten million people has a chance of about one in 370,000.
    """
    digest = hmac.new(key, participant_id.encode("utf-8"), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big")


def sql_expression(column: str) -> str:
    """participant_key() as a DuckDB expression over a text column, for a whole file at once.

    HMAC-SHA256 is SHA-256(key ^ opad || SHA-256(key ^ ipad || message)); the two pads come
    in as the parameters of sql_parameters(key), never as text of the statement.
    """
    inner = f"unhex(sha256($hmac_ipad || encode({column})))"
    return f"('0x' || left(sha256($hmac_opad || {inner}), 16))::ubigint"


def sql_parameters(key: bytes) -> dict[str, bytes]:
    block = key.ljust(64, b"\0")  # keys are 32 bytes, shorter than SHA-256's 64-byte block
    if len(key) > 64:
        raise ValueError("an HMAC key longer than one block would have to be hashed first")
    return {
        "hmac_ipad": bytes(b ^ 0x36 for b in block),
        "hmac_opad": bytes(b ^ 0x5C for b in block),
    }
