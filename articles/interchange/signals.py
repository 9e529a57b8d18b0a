"""Signals of the importers, for what must follow a write that sends no model signal.

The newsroom format is restored with bulk inserts, which send no ``post_save``: a
receiver that keeps something in step with the stories (a page cache, a search
index elsewhere) connects to ``stories_written`` instead.
"""

from django.dispatch import Signal

# Sent inside the import's transaction, once per document, after its stories are
# written; with ``article_ids``, the ids of the stories created or updated. Not
# sent by a dry run, nor when nothing was written.
stories_written = Signal()
