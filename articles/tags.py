"""How the admin's tag box reads and writes tags: names separated by commas.

taggit's default splits on spaces when there is no comma (so "Islamic State" became
two tags) and cannot carry a double quote in a name. Here a comma is the only
separator, every other character is kept, and a comma inside a name is written
twice ("Lyon,, France").
"""

PLACEHOLDER = "\x00"


def parse_tags(text: str) -> list[str]:
    """Read a tag box: "Iraq, Islamic State" -> ["Iraq", "Islamic State"]."""
    parts = (text or "").replace(",,", PLACEHOLDER).split(",")
    names = {part.replace(PLACEHOLDER, ",").strip() for part in parts}
    return sorted(name for name in names if name)


def edit_string(tags) -> str:
    """Write tags for the tag box so that ``parse_tags`` reads them back unchanged."""
    return ", ".join(sorted(tag.name.replace(",", ",,") for tag in tags))
