"""The one error for an unknown name: list the valid ones and suggest the closest."""

import difflib
from typing import Iterable


def unknown_name_error(kind: str, name: str, valid: Iterable[str]) -> ValueError:
    valid = sorted(set(valid))
    close = difflib.get_close_matches(str(name).lower(), valid, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return ValueError(f"Unknown {kind} {name!r}.{hint} Valid names: {', '.join(valid)}.")
