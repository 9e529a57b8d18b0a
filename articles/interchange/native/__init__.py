"""The newsroom's own JSON format: every story and all it needs, without loss.

``export_native()`` writes the sections, authors, tags, photos (their files
included) and stories as one document; ``is_native()`` recognises one;
``parse_native()`` reads it back into plain records, checking all of it first;
``write_native()`` stores them in one transaction, keyed on natural keys, so
importing the same document again changes nothing, and a story saved in the
newsroom since an import wrote it is a conflict, left alone unless ``overwrite``.
Exporting, importing into an empty database and exporting again gives the same
bytes (each story's import state included, see ``records.marked``).

Identity never rests on database ids: a section and an author are their slug, a
tag its name, a photo its ``uid``, a story its import reference when it has one
and otherwise its address (publication day and slug).
"""

from .export import export_native
from .parse import is_native, parse_native
from .records import ExportError, NativeDocument
from .write import StoryOutcome, write_native

__all__ = [
    "ExportError",
    "NativeDocument",
    "StoryOutcome",
    "export_native",
    "is_native",
    "parse_native",
    "write_native",
]
