import pytest

from articles.tags import edit_string, parse_tags

from .factories import make_article


def test_commas_separate_tags_and_spaces_stay_inside_names():
    assert parse_tags("Iraq, Islamic State ,  ,Conflict") == [
        "Conflict",
        "Iraq",
        "Islamic State",
    ]


def test_a_single_multiword_tag_is_one_tag():
    assert parse_tags("Islamic State") == ["Islamic State"]


def test_a_doubled_comma_is_a_comma_inside_a_name():
    assert parse_tags("Lyon,, France, Politics") == ["Lyon, France", "Politics"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ['Say "cheese"', "Lyon, France", "خبر", "a,,b"])
def test_any_tag_name_survives_the_tag_box(name):
    article = make_article(tags=[name, "Other"])
    assert parse_tags(edit_string(article.tags.all())) == sorted([name, "Other"])
