"""namenorm: say who or where a name means, however it was spelled.

Resolve spelling variants of people, places and organisations, in any script,
against a curated gazetteer (or your own), with a score you can threshold and
a reason you can read::

    >>> import namenorm
    >>> namenorm.resolve("Gawishoglu").entity.name
    'Mevlüt Çavuşoğlu'
    >>> namenorm.compare("Лавров", "Lavrov") >= namenorm.DEFAULT_THRESHOLD
    True
"""

from namenorm._version import __version__
from namenorm.cluster import Cluster, cluster
from namenorm.gazetteer import ENTITY_TYPES, Entity, Gazetteer, GazetteerError
from namenorm.index import IndexFileError
from namenorm.normalize import normalize
from namenorm.reset import reset_caches
from namenorm.resolve import IndexWarning, Match, Resolver, candidates, resolve, resolve_many
from namenorm.scan import Mention, scan
from namenorm.score import DEFAULT_THRESHOLD, compare

__all__ = [
    "__version__",
    "Cluster",
    "DEFAULT_THRESHOLD",
    "ENTITY_TYPES",
    "Entity",
    "Gazetteer",
    "GazetteerError",
    "IndexFileError",
    "IndexWarning",
    "Match",
    "Mention",
    "Resolver",
    "candidates",
    "cluster",
    "compare",
    "normalize",
    "reset_caches",
    "resolve",
    "resolve_many",
    "scan",
]
