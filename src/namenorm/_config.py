"""Tunables in one place, each overridable by an environment variable read once."""

from __future__ import annotations

import os


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


#: Longest name (in characters) that is considered; longer input is truncated.
MAX_NAME_LENGTH = _env_int("NAMENORM_MAX_NAME_LENGTH", 256)
#: Most tokens of one name that are compared; the rest are ignored.
MAX_TOKENS = _env_int("NAMENORM_MAX_TOKENS", 12)
#: How many candidate entities get a full score for one query.
MAX_CANDIDATES = _env_int("NAMENORM_MAX_CANDIDATES", 5)
#: How many names of each candidate entity get a full score.
NAMES_PER_CANDIDATE = _env_int("NAMENORM_NAMES_PER_CANDIDATE", 4)
#: How many best matches each Resolver keeps for names it has seen.
RESULT_CACHE = _env_int("NAMENORM_RESULT_CACHE", 8192)
