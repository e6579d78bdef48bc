"""rasd_train — training, evaluation and data tools for rasd models.

Label schema, normalisation, tokenisation, alignment and decoding are imported from the
inference package ``rasd``; nothing here re-implements them.
"""

__version__ = "0.1.0"
