"""The Digistore24 IPN protocol: events, fields, form encoding, ``sha_sign``, filters.

Pure functions and data only: nothing here does I/O beyond reading its own catalog
files, so the simulator, the receivers and the guide can all rely on it.
"""
