"""rasd — Arabic conflict-news event extraction, the lightweight inference package.

The pieces that shape a model's inputs and outputs (label schema, normalisation, word
tokenisation, sub-token alignment, span decoding) live here once; the training package imports
them so that training and serving can never drift apart.
"""

__version__ = "0.1.0"

from rasd.schema import EVENT_LABELS, SPAN_TYPES, LabelSchema  # noqa: E402


def load(path_or_repo_id, **kwargs):
    """Load a saved rasd model folder or Hub repository (see :mod:`rasd.runtime`)."""
    from rasd.runtime import load as _load

    return _load(path_or_repo_id, **kwargs)


__all__ = ["EVENT_LABELS", "SPAN_TYPES", "LabelSchema", "load", "__version__"]
