"""The SQLite driver every part of Passerelle uses: SQLCipher's build of SQLite.

Opened with a key, it reads and writes an encrypted file (AES-256 on every page); with
no key, it reads and writes plain SQLite files, as the demo and the tests use. One driver
for both, so that its exception classes are the ones the code catches everywhere.
"""

from sqlcipher3 import dbapi2 as sqlite3

__all__ = ["sqlite3"]
