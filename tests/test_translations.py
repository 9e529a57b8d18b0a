"""Linked translations: one story, many languages, linked both ways."""

import re
from pathlib import Path

import feedparser
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from lxml import etree

from articles.models import Article
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

SEED_ID = "plain:000_0d1dbcd964e78a06.txt"
# sitemaps.org allows foreign elements only with a schema for them; Google documents
# xhtml:link in sitemaps but publishes no schema, so the test states its shape.
XHTML_LINK_XSD = b"""<?xml version="1.0"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema"
  targetNamespace="http://www.w3.org/1999/xhtml" elementFormDefault="qualified">
  <xsd:element name="link"><xsd:complexType>
    <xsd:attribute name="rel" type="xsd:string" fixed="alternate" use="required"/>
    <xsd:attribute name="hreflang" type="xsd:language" use="required"/>
    <xsd:attribute name="href" type="xsd:anyURI" use="required"/>
  </xsd:complexType></xsd:element>
</xsd:schema>"""


def hreflang_links(html: str) -> dict[str, str]:
    found = re.findall(
        r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html
    )
    return dict(found)


@pytest.fixture
def pair():
    original = make_article(headline="Offensive in the desert", language="en")
    arabic = make_article(
        headline="هجوم في الصحراء", language="ar", translation_of=original
    )
    return original, arabic


def test_each_version_links_to_every_version_including_itself(client, pair):
    original, arabic = pair
    for story in pair:
        html = client.get(story.get_absolute_url()).content.decode()
        assert hreflang_links(html) == {
            "en": f"http://testserver{original.get_absolute_url()}",
            "ar": f"http://testserver{arabic.get_absolute_url()}",
        }
    arabic_page = client.get(original.get_absolute_url()).content.decode()
    assert 'hreflang="ar" lang="ar"' in arabic_page
    assert "هجوم في الصحراء" in arabic_page


def test_unpublished_translation_is_not_advertised(client):
    original = make_article(language="en")
    make_article(language="fr", translation_of=original, status=Article.Status.DRAFT)
    html = client.get(original.get_absolute_url()).content.decode()
    assert hreflang_links(html) == {}
    assert "language-versions" not in html


def test_story_without_translations_has_no_alternates(client):
    html = client.get(make_article().get_absolute_url()).content.decode()
    assert hreflang_links(html) == {}


def test_translation_of_a_translation_is_refused_with_the_original_named(pair):
    original, arabic = pair
    french = Article(headline="Offensive", language="fr", translation_of=arabic)
    with pytest.raises(ValidationError, match="link to its original"):
        french.clean()


def test_second_version_in_the_same_language_is_refused(pair):
    original, arabic = pair
    other = Article(headline="نسخة أخرى", language="ar", translation_of=original)
    with pytest.raises(ValidationError, match="already the"):
        other.clean()


def test_original_with_translations_cannot_become_a_translation(pair):
    original, arabic = pair
    third = make_article(language="fr")
    original.translation_of = third
    with pytest.raises(ValidationError, match="translations of its own"):
        original.clean()


def test_sitemap_carries_the_same_alternates_and_validates(client, pair, schemas):
    original, arabic = pair
    response = client.get(reverse("articles:sitemap", kwargs={"section": "stories"}))
    document = etree.fromstring(response.content)
    assert schemas.validate(document), schemas.error_log
    ns = {
        "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
        "x": "http://www.w3.org/1999/xhtml",
    }
    for story in pair:
        url = document.xpath(
            "//sm:url[sm:loc=$loc]",
            namespaces=ns,
            loc=f"http://testserver{story.get_absolute_url()}",
        )[0]
        alternates = {
            link.get("hreflang"): link.get("href")
            for link in url.xpath("x:link", namespaces=ns)
        }
        assert alternates == {
            "en": f"http://testserver{original.get_absolute_url()}",
            "ar": f"http://testserver{arabic.get_absolute_url()}",
        }


@pytest.fixture
def schemas(shared_samples: Path, tmp_path: Path) -> etree.XMLSchema:
    (tmp_path / "xhtml-link.xsd").write_bytes(XHTML_LINK_XSD)
    folder = shared_samples / "schemas"
    wrapper = f"""<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema"
      targetNamespace="urn:local:with-xhtml" elementFormDefault="qualified">
      <xsd:import namespace="http://www.sitemaps.org/schemas/sitemap/0.9"
        schemaLocation="{(folder / "sitemap.xsd").as_uri()}"/>
      <xsd:import namespace="http://www.w3.org/1999/xhtml"
        schemaLocation="{(tmp_path / "xhtml-link.xsd").as_uri()}"/>
    </xsd:schema>"""
    return etree.XMLSchema(etree.fromstring(wrapper.encode()))


def test_sitemap_queries_do_not_grow_with_translations(
    client, django_assert_max_num_queries
):
    for n in range(10):
        original = make_article(headline=f"Story {n}", language="en")
        make_article(headline=f"Histoire {n}", language="fr", translation_of=original)
    with django_assert_max_num_queries(3):
        client.get(reverse("articles:sitemap", kwargs={"section": "stories"}))


def test_feeds_exist_per_language(client, pair):
    original, arabic = pair
    make_article(headline="Another English story", language="en-GB")
    english = feedparser.parse(
        client.get(reverse("articles:language_feed", args=["en"])).content
    )
    assert english.bozo == 0 and english.feed.language == "en"
    assert {entry.title for entry in english.entries} == {
        "Another English story",
        "Offensive in the desert",
    }
    arabic_atom = feedparser.parse(
        client.get(reverse("articles:language_feed_atom", args=["ar"])).content
    )
    assert [entry.title for entry in arabic_atom.entries] == ["هجوم في الصحراء"]
    missing = client.get(reverse("articles:language_feed", args=["de"]))
    assert missing.status_code == 404


def test_editor_links_a_translation_in_the_admin(client, pair):
    original, arabic = pair
    client.force_login(make_user())
    page = client.get(reverse("admin:articles_article_change", args=[original.pk]))
    assert "هجوم في الصحراء" in page.content.decode()


def test_demo_seed_and_its_arabic_version_link_both_ways(client, shared_samples):
    call_command("load_demo")
    seed = Article.objects.get(source_id=SEED_ID)
    arabic = seed.translations.get()
    assert arabic.language == "ar" and arabic.text_direction == "rtl"
    for story, other in ((seed, arabic), (arabic, seed)):
        html = client.get(story.get_absolute_url()).content.decode()
        links = hreflang_links(html)
        assert links[story.language].endswith(story.get_absolute_url())
        assert links[other.language].endswith(other.get_absolute_url())
    arabic_html = client.get(arabic.get_absolute_url()).content.decode()
    assert 'lang="ar" dir="rtl"' in arabic_html
