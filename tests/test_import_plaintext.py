"""The plain-text parser: wire copy bytes in, a ParsedStory (or a ParseError) out."""

from datetime import date
from pathlib import Path

import pytest

from articles.interchange.plaintext import (
    ParsedPhoto,
    ParseError,
    decode,
    find_date,
    parse_plain_text,
)

SEED_CAPTION = (
    "Iraqi forces, supported by members of the Hashed al-Shaabi (Popular "
    "Mobilisation units), advance through the Salaheddin province in the western "
    "desert bordering Syria after leaving the town of Baiji, on November 24, 2017, "
    "as they attempt to flush out remaining Daesh militants in the Al-Jazeera region."
)


def real_samples(shared_samples: Path, folder: str) -> list[Path]:
    return sorted((shared_samples / "plain" / folder).rglob("*.txt"))


def source_lines(path: Path) -> list[str]:
    """List the non-empty lines of a file, stripped but otherwise verbatim."""
    text = path.read_bytes().decode("utf-8-sig")
    return [line.strip() for line in text.splitlines() if line.strip()]


def output_lines(story) -> list[str]:
    """List what the story kept, in file order (the real samples carry no captions)."""
    pieces = [] if story.headline_derived else [story.headline]
    pieces += [story.standfirst, *story.paragraphs, *story.leftovers]
    return [piece for piece in pieces if piece]


def test_seed_parses_into_headline_standfirst_photo_body_and_leftover(seed_path):
    """The seed keeps every slot: one caption, twelve body paragraphs, "Route 6"."""
    story = parse_plain_text(seed_path.read_bytes())

    assert story.headline == "Iraqi forces say Daesh retreating deep into desert"
    assert not story.headline_derived
    assert story.standfirst == (
        "Iraqi forces launched an offensive on Thursday to clear the desert "
        "bordering Syria of Daesh, a final campaign to rid Iraq of the group."
    )
    assert story.photos == [ParsedPhoto(caption=SEED_CAPTION, credit="AFP")]
    assert story.agency == "AFP"
    assert len(story.paragraphs) == 12
    assert story.paragraphs[0].startswith("Iraqi forces said on Friday that Daesh")
    assert story.paragraphs[-1].startswith("It is now being flushed out")
    assert SEED_CAPTION not in story.paragraphs
    assert story.leftovers == ["Route 6"]
    assert story.date_in_text == date(2017, 11, 24)
    assert story.language == "en"
    assert story.text == seed_path.read_text(encoding="utf-8")


def test_every_line_of_the_seed_comes_through_but_the_repeated_caption(seed_path):
    """Headline, standfirst, caption, credit, body and leftover hold every line."""
    story = parse_plain_text(seed_path.read_bytes())
    lines = source_lines(seed_path)
    assert lines[2] == lines[4] == SEED_CAPTION  # the caption, its credit, the repeat

    kept = [story.headline, story.standfirst]
    kept += [story.photos[0].caption, story.photos[0].credit]
    kept += [*story.paragraphs, *story.leftovers]
    assert kept == lines[:4] + lines[5:]


def test_seed_body_keeps_quotes_verbatim_and_in_order(seed_path):
    """Quoted paragraphs come through untouched, in the order of the file."""
    story = parse_plain_text(seed_path.read_bytes())
    quotes = [p for p in story.paragraphs if p.startswith('"')]

    assert quotes[0].startswith('"We will provide strikes if we know')
    assert quotes[1] == (
        "\"If the requests are not coming, we won't do a strike... it's supply "
        'and demand," he said.'
    )
    assert quotes[2].endswith("unlike in urban areas.")


def test_every_line_of_every_bbc_sample_comes_through(shared_samples):
    """Headline, standfirst and body hold every line, in order; nothing is left over."""
    samples = real_samples(shared_samples, "bbc")
    assert len(samples) == 25
    for path in samples:
        story = parse_plain_text(path.read_bytes())
        lines = source_lines(path)

        assert output_lines(story) == lines, path
        assert story.headline == lines[0], path
        assert not story.headline_derived, path
        assert story.leftovers == [], path
        assert story.photos == [], path
        assert story.language == "en", path


def test_every_line_of_every_arabic_sample_comes_through(shared_samples):
    """Arabic stories, with or without a headline line, lose nothing."""
    samples = real_samples(shared_samples, "arabic-talaa")
    assert len(samples) == 6
    for path in samples:
        story = parse_plain_text(path.read_bytes())

        assert output_lines(story) == source_lines(path), path
        assert story.leftovers == [], path
        assert story.photos == [], path
        assert story.language == "ar", path


def test_arabic_sample_with_a_headline_line_keeps_it(shared_samples):
    """world2.txt starts with a headline (no full stop): it stays the headline."""
    path = shared_samples / "plain" / "arabic-talaa" / "world2.txt"
    story = parse_plain_text(path.read_bytes())
    lines = source_lines(path)

    assert not story.headline_derived
    assert story.headline == lines[0]
    assert story.standfirst == lines[1]


def test_arabic_samples_starting_with_a_sentence_get_a_derived_headline(
    shared_samples,
):
    """A lead sentence is not eaten as headline: it stays, and the headline derives."""
    for name in ["algeria", "entertainment", "religion2", "society2", "sport"]:
        path = shared_samples / "plain" / "arabic-talaa" / f"{name}.txt"
        story = parse_plain_text(path.read_bytes())
        first_line = source_lines(path)[0]

        assert story.headline_derived, name
        assert story.standfirst == first_line, name
        assert 0 < len(story.headline) <= 300, name
        assert first_line.startswith(story.headline.rstrip("…")), name


def test_derived_headline_is_cut_at_a_word_with_an_ellipsis():
    """An over-long lead sentence gives a headline of at most 300 characters."""
    lead = "word " * 100 + "end."
    story = parse_plain_text(f"{lead}\n\nSecond paragraph.\n".encode())

    assert story.headline_derived
    assert len(story.headline) <= 300
    assert story.headline.endswith("word…")
    assert story.standfirst == lead
    assert story.paragraphs == ["Second paragraph."]


def test_derived_headline_is_the_opening_sentence_without_its_full_stop():
    story = parse_plain_text(b"Rain fell on the capital today. Roads closed.\n")

    assert story.headline == "Rain fell on the capital today"
    assert story.standfirst == "Rain fell on the capital today. Roads closed."


def test_lines_without_blank_lines_are_one_paragraph_each():
    """A file with no blank lines at all still keeps its paragraphs apart."""
    story = parse_plain_text(b"Headline here\nFirst one.\nSecond one.\nThird one.\n")

    assert story.headline == "Headline here"
    assert story.standfirst == "First one."
    assert story.paragraphs == ["Second one.", "Third one."]


def test_crlf_cr_whitespace_only_lines_and_inner_spaces_are_handled():
    """Line endings normalise, "blank" lines may hold spaces; inner spaces stay."""
    data = (
        b"Title\r\n \t \r\n\r\n\r\nLead  with  spaces.\rSecond.\r\n   \r\nLast one.  "
    )
    story = parse_plain_text(data)

    assert story.headline == "Title"
    assert story.standfirst == "Lead  with  spaces."
    assert story.paragraphs == ["Second.", "Last one."]


@pytest.mark.parametrize(
    ("credit", "agency"),
    [
        ("AFP", "AFP"),
        ("(AFP)", "AFP"),
        ("© Reuters", "Reuters"),
        ("Photo: Reuters", "Reuters"),
        ("EPA-EFE", "EPA-EFE"),
        ("getty images", "Getty Images"),
        ("John Smith/AFP", "John Smith/AFP"),
        ("AFP via Getty Images", "AFP via Getty Images"),
        ("AP Photo/Evan Vucci", "AP Photo/Evan Vucci"),
    ],
)
def test_block_ending_with_a_credit_line_is_a_photo_caption(credit, agency):
    """The credit's agency becomes the story's agency; a fuller credit is kept whole."""
    data = f"Title\n\nLead.\n\nCrowds in the square,\nat dusk\n{credit}\n\nBody.\n"
    story = parse_plain_text(data.encode())

    assert story.photos == [ParsedPhoto("Crowds in the square, at dusk", credit)]
    assert story.agency == agency
    assert story.paragraphs == ["Body."]


@pytest.mark.parametrize(
    "last_line",
    ["Reuters reported the deal on Monday", "He told AFP.", "Ma and Pa"],
)
def test_prose_last_line_is_not_taken_for_a_credit(last_line):
    """Mentioning an agency does not make a line a credit; nothing becomes a caption."""
    story = parse_plain_text(f"Title\n\nLead.\nMore text.\n{last_line}\n".encode())

    assert story.photos == []
    assert story.paragraphs == ["More text.", last_line]
    assert story.agency == ""


def test_only_the_first_repeat_of_a_caption_is_dropped():
    """The seed's doubled caption goes once; later repeats and repeated body stay."""
    data = (
        b"Title\n\nLead.\n\nA  caption.\nReuters\n\nA caption.\n\nSame.\n\n"
        b"Same.\n\nA caption.\n\nEnd of story.\n"
    )
    story = parse_plain_text(data)

    assert story.photos == [ParsedPhoto("A  caption.", "Reuters")]
    assert story.paragraphs == ["Same.", "Same.", "A caption.", "End of story."]


@pytest.mark.parametrize("last_line", ["Route 6", "ends here", "Bangkok"])
def test_stray_final_fragment_goes_to_leftovers(last_line):
    story = parse_plain_text(f"Title\n\nLead.\n\nBody.\n\n{last_line}\n".encode())

    assert story.leftovers == [last_line]
    assert story.paragraphs == ["Body."]


@pytest.mark.parametrize(
    "last_line",
    [
        "S Mathieson (Cheshire).",
        "GoldenEye: Rogue Agent is out now",
        "Hobson, Osentowski, Gouws, Mo'unga, Williams, Sherman, Tuipulotu.",
        "Who knows?",
        "Back soon…",
        "Reuters",
    ],
)
def test_final_sentence_or_credit_stays_body(last_line):
    story = parse_plain_text(f"Title\n\nLead.\n\nBody.\n\n{last_line}\n".encode())

    assert story.leftovers == []
    assert story.paragraphs == ["Body.", last_line]


def test_short_story_keeps_its_only_paragraph_as_standfirst():
    """A lone short paragraph is the standfirst, never a leftover."""
    story = parse_plain_text(b"Title\n\nRoute 6\n")

    assert story.standfirst == "Route 6"
    assert story.leftovers == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Filed on November 24, 2017 in Baghdad", date(2017, 11, 24)),
        ("Filed on 24 November 2017.", date(2017, 11, 24)),
        ("Filed on 24th Nov. 2017.", date(2017, 11, 24)),
        ("Reference 2017-11-24T09:00.", date(2017, 11, 24)),
        ("On February 30, 2017 or 1 March 2017.", date(2017, 3, 1)),
        ("Saturday 20 November, 1300 GMT", None),
        ("In 1999-2001 and 12 March 19", None),
        ("On 2017-13-01 nothing.", None),
    ],
)
def test_first_real_full_date_is_found(text, expected):
    """Only complete, real dates count: "February 30" and dates without year don't."""
    assert find_date(text) == expected


def test_windows_1252_text_is_decoded():
    """Pound signs and curly quotes from a Windows-1252 file come out right."""
    data = (
        b"Fuel prices hit airline\r\n\r\n"
        b"The airline said it paid \xa3100m more for fuel \x96 an \x93unprecedented"
        b"\x94 rise \x85 and \x91worrying\x92 for travellers.\r\n"
    )
    story = parse_plain_text(data)

    assert story.standfirst == (
        "The airline said it paid £100m more for fuel – an “unprecedented” rise … "
        "and ‘worrying’ for travellers."
    )


def test_latin_1_text_is_decoded():
    data = "Élection à Genève\n\nLe café coûte 5 francs, a déclaré l'élu.\n"
    story = parse_plain_text(data.encode("latin-1"))

    assert story.headline == "Élection à Genève"
    assert story.standfirst == "Le café coûte 5 francs, a déclaré l'élu."


def test_utf8_byte_order_mark_is_stripped():
    assert decode("\ufeffHeadline\n".encode()) == "Headline\n"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \r\n\t\n  \n", "empty file"),
        ("\ufeff  \n".encode(), "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01", "binary data"),
        (b"Text" + b"\x01\x02\x03\x1b" * 5, "binary data"),
        ("خبر عاجل من الجزائر العاصمة اليوم".encode("cp1256"), "encoding"),
        (b"Headline\n\n\x81\x8d\x8f\x90\x9d text\n", "encoding"),
    ],
)
def test_unusable_input_raises_parse_error_with_a_reason(data, reason):
    with pytest.raises(ParseError, match=reason):
        parse_plain_text(data)


@pytest.mark.parametrize(
    "data",
    [b"*****\n\nBody text.\n", b"A caption first.\nAFP\n"],
)
def test_text_without_a_headline_is_rejected(data):
    with pytest.raises(ParseError, match="no headline"):
        parse_plain_text(data)
