"""Column matching: which contract column each header names, and which kind a header row is."""

from __future__ import annotations

from collections.abc import Sequence

from impact import contract, vocab
from impact.ingest.messages import ColumnMatch


def match_columns(
    header: Sequence[str], kind: str, overrides: dict[str, str | None] | None = None
) -> list[ColumnMatch]:
    """Match each header cell to a contract column (aliases, spelling-blind)."""
    lookup = contract.header_lookup(kind)
    matches = []
    for position, name in enumerate(header):
        if overrides and name in overrides:
            target = overrides[name]
        else:
            target = lookup.get(vocab.norm_key(name)) if name.strip() else None
        matches.append(ColumnMatch(position, name, target))
    return matches


def detect_kind(header: Sequence[str]) -> str | None:
    """The kind whose required columns the header covers best; None when unclear.

    The first three kinds are judged first, as they always were: a header that names every
    required column of one of them is that kind, whatever the kinds added since would say (an
    events file with a `notes` column must not become a milestones file). Otherwise every kind
    competes.
    """
    first = _best_kind(header, contract.FIRST_KINDS)
    if first is not None and first[0] == 1:
        return first[1]
    found = _best_kind(header, contract.KINDS)
    return None if found is None else found[1]


def _best_kind(header: Sequence[str], kinds: Sequence[str]) -> tuple[float, str] | None:
    """(share of required columns named, kind) of the best of `kinds`; None when unclear."""
    scores = []
    for kind in kinds:
        found = {m.column for m in match_columns(header, kind) if m.column}
        required = contract.required_columns(kind)
        share = sum(name in found for name in required) / len(required)
        scores.append((share, len(found), kind))
    scores.sort(reverse=True)
    best, runner_up = scores[0], scores[1]
    if best[0] < 0.5 or best[:2] == runner_up[:2]:
        return None
    return best[0], best[2]
