"""Corpus tools: the inline annotation format, validation, statistics, converters, the real-news set."""
