"""The translators' workflow: what to translate, what drifted, one glossary.

French is the guide's source language, English its translation. The modules here are
pure functions over text (plus small helpers that read a docs folder); the command
line (``ds24-sandbox i18n``, :mod:`sandbox.cli.translations`) and the MkDocs hook
(``docs/hooks/translations.py``) are thin layers over them.

* :mod:`~sandbox.translations.status`: which English pages translate the current
  French text (``translation_of`` hashes, sidecar copies, diffs); ``mark``.
* :mod:`~sandbox.translations.parity`: same anchors, code, links, images, admonitions,
  panels and markers on both sides.
* :mod:`~sandbox.translations.glossary`: ``sandbox/i18n/glossary.json``: tables,
  labels for the interface, forms to avoid.
* :mod:`~sandbox.translations.interface`: message catalogs in step; no prose typed into
  web, services or CLI code.
* :mod:`~sandbox.translations.checks`: all of the above as one list of problems.
"""
