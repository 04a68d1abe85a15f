"""The extraction engine: pure Python (no Django), from a document to candidate commitments.

``documents`` reads files, ``clauses`` finds the numbered structure, ``rules`` tells
obligations from rights and statements, ``parties`` and ``timeframes`` read who and when,
``pipeline.extract`` puts them together, ``evaluation`` scores them on the labelled set.
"""
