"""Story interchange: pure parsers turn files into plain data; one writer stores it.

Parsers never touch the database, so they can be tested on bytes alone; ``writer``
owns the transaction and the idempotency of every import.
"""
