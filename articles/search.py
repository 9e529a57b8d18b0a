"""Reader search, ``/search/?q=``, over published stories.

On PostgreSQL every story keeps a stored, GIN-indexed search vector (headline
weighted A, standfirst B, body C) in the text-search configuration of its language.
A query is read as web search engines read it (words, "quoted phrases", ``or``,
``-word`` to leave out), matched against each story in that story's configuration,
ranked, and highlighted by ``ts_headline``. On other databases (SQLite in
development) a simpler fallback requires every word, newest first, and cuts its own
excerpt. Both give each result the same ``snippet``: escaped HTML with ``<mark>``.

Only the newest ``CANDIDATES`` matching stories are ranked. Ranking every match
reads every matching story's vector (``ts_rank`` cannot be answered from the
index): about half a second for a word found in most of 100,000 stories. The
newest matches are found through the word and date indexes, window by window (the
newest 1,000 stories, then 10,000, …; see ``newest_matches``), so a search costs
about the same whether its words are rare or everywhere. The trade-off: a word
found in more than ``CANDIDATES`` stories ranks only the newest of them, so an
older story, however relevant, is reached by adding a word that narrows the
search (the results page says so). For a newsroom, recent is what readers look for
first; a search that matches fewer stories ranks them all.
"""

import re
import unicodedata
from collections.abc import Iterable
from functools import reduce
from operator import add, or_

from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchQueryField,
    SearchRank,
    SearchVector,
)
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    F,
    Func,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Concat
from django.db.models.lookups import IRegex
from django.http import HttpRequest
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.generic import ListView

from .models import Article

MAX_QUERY_WORDS = 200
MAX_QUERY_CHARS = 1000

# The most stories one search ranks and lists, newest matches first; and how many of
# the newest stories ``newest_matches`` looks through first (ten times as many next).
CANDIDATES = 100
FIRST_WINDOW = 1_000

# PostgreSQL text-search configuration by language code. Any other language is
# matched word for word ("simple": no stemming, no stop words).
CONFIGS = {
    "ar": "arabic",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "it": "italian",
    "nl": "dutch",
    "pt": "portuguese",
    "ru": "russian",
    "tr": "turkish",
}
DEFAULT_CONFIG = "simple"

# The fields a story's search vector is made of, and what changes the vector.
INDEXED_FIELDS = frozenset({"headline", "standfirst", "body", "language"})

# Matches are marked with two private-use characters (stripped from the copy first),
# so the excerpt can be escaped as a whole and only then given its <mark> tags.
START, STOP = "\ue000", "\ue001"
EXCERPT_CHARS = 240

# Characters websearch_to_tsquery reads as operators, trimmed from fallback terms.
OPERATORS = "\"'&|!():*<>+-~^\\"


def search_config(language: str) -> str:
    """Return the text-search configuration for a language code ("en-GB": english)."""
    primary = re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]
    return CONFIGS.get(primary, DEFAULT_CONFIG)


VECTOR_WEIGHTS = (("headline", "A"), ("standfirst", "B"), ("body", "C"))


def document_vector(config: str) -> SearchVector:
    """Build a story's weighted search vector: headline > standfirst > body."""
    return reduce(
        add,
        (
            SearchVector(name, weight=weight, config=config)
            for name, weight in VECTOR_WEIGHTS
        ),
    )


def document_vector_sql(config: str) -> tuple[str, list[str]]:
    """``document_vector`` as SQL over the bare column names, and its parameters:
    an import computes each new story's vector in its INSERT … SELECT, instead of
    inserting every row and then updating every row again."""
    columns = [Article._meta.get_field(name).column for name, _ in VECTOR_WEIGHTS]
    parts = [
        f"setweight(to_tsvector(%s::regconfig, COALESCE({column}, '')), %s)"
        for column in columns
    ]
    params = [value for _, weight in VECTOR_WEIGHTS for value in (config, weight)]
    return " || ".join(parts), params


def refresh_search_vector(
    article: Article, *, update_fields: Iterable[str] | None = None
) -> None:
    """Recompute the stored vector of a story just saved (PostgreSQL only)."""
    using = article._state.db
    if connections[using].vendor != "postgresql":
        return
    if update_fields is not None and not INDEXED_FIELDS.intersection(update_fields):
        return
    Article.objects.using(using).filter(pk=article.pk).update(
        search_vector=document_vector(search_config(article.language))
    )


def clean_query(raw: str) -> tuple[str, bool]:
    """Return the query to search for, and whether it had to be shortened.

    Control characters (NUL among them, which PostgreSQL refuses) become spaces,
    runs of whitespace one space; the query keeps at most ``MAX_QUERY_WORDS`` words
    and ``MAX_QUERY_CHARS`` characters, cut between words where possible.
    """
    # Bound the work on absurd input before looking at every character.
    shortened = len(raw) > MAX_QUERY_CHARS * 4
    raw = raw[: MAX_QUERY_CHARS * 4]
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in raw)
    words = text.split()
    if len(words) > MAX_QUERY_WORDS:
        words, shortened = words[:MAX_QUERY_WORDS], True
    query = " ".join(words)
    if len(query) > MAX_QUERY_CHARS:
        cut = query[:MAX_QUERY_CHARS]
        if query[MAX_QUERY_CHARS] != " " and " " in cut:
            cut = cut.rsplit(" ", 1)[0]
        query, shortened = cut, True
    return query, shortened


def search(query: str, *, queryset: QuerySet[Article] | None = None) -> QuerySet:
    """Return the published stories matching ``query``, best first.

    ``query`` goes through ``clean_query()``; an empty one matches nothing.
    ``queryset`` narrows the stories searched (or adds ``with_relations()``); only
    published ones are ever returned, at most ``CANDIDATES``: the newest matches,
    looked up at once (a few queries, see ``newest_matches``). On PostgreSQL they
    are ranked and carry ``rank`` and ``excerpt`` (marked text); the fallback lists
    them newest first. Pass the stories of a page to ``add_snippets()`` for the
    HTML to show.
    """
    query = clean_query(query)[0]
    queryset = (Article.objects.all() if queryset is None else queryset).published()
    # The stored vector is only of use inside the database.
    queryset = queryset.defer("search_vector")
    if not query:
        return queryset.none()
    if connections[queryset.db].vendor == "postgresql":
        return _search_postgresql(query, queryset)
    return _search_fallback(query, queryset)


def add_snippets(articles: Iterable[Article], query: str) -> None:
    """Give each found story ``snippet``: its excerpt as HTML, matches in <mark>."""
    wanted = None
    for article in articles:
        marked = getattr(article, "excerpt", None)
        if marked is None:
            wanted = _terms(query)[0] if wanted is None else wanted
            marked = _excerpt(f"{article.standfirst}\n{article.body}", wanted)
        article.snippet = render_excerpt(marked)


def render_excerpt(marked: str) -> SafeString:
    """Escape an excerpt, then turn its match markers into <mark> elements."""
    text = " ".join(marked.split())  # ts_headline keeps the paragraphs' newlines
    html = escape(text).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(html)  # escaped above; the only tags are ours


def _search_postgresql(query: str, queryset: QuerySet) -> QuerySet:
    tsqueries = {
        config: SearchQuery(query, config=config, search_type="websearch")
        for config in (*CONFIGS.values(), DEFAULT_CONFIG)
    }
    # Each story must match the query read in its own language's configuration. A
    # query OR-ed across configurations would let "-retreating" through in "simple"
    # (which keeps the word whole) for a story whose English vector says "retreat".
    # That OR-ed query is a superset, though: it is what the GIN index looks up.
    # Lookups rather than Q objects: the same SQL, built without a filter() each.
    own_language = [
        (IRegex(F("language"), rf"^\s*{code}([-_]|\s*$)"), config)
        for code, config in CONFIGS.items()
    ]
    own_query = Case(
        *(When(stories, then=tsqueries[config]) for stories, config in own_language),
        default=tsqueries[DEFAULT_CONFIG],
        output_field=SearchQueryField(),
    )
    own_config = Case(
        *(When(stories, then=Value(config)) for stories, config in own_language),
        default=Value(DEFAULT_CONFIG),
        output_field=CharField(),
    )
    matches_own = Func(
        F("search_vector"),
        own_query,
        function="",
        arg_joiner=" @@ ",
        output_field=BooleanField(),
    )
    text = Func(
        Concat("standfirst", Value("\n"), "body", output_field=TextField()),
        Value(START + STOP),
        Value(""),
        function="translate",
        output_field=TextField(),
    )
    matching = queryset.filter(search_vector=reduce(or_, tsqueries.values()))
    candidates = newest_matches(matching.filter(matches_own))
    return (
        queryset.filter(pk__in=candidates)
        .annotate(
            rank=SearchRank(F("search_vector"), own_query),
            excerpt=SearchHeadline(
                text,
                own_query,
                config=own_config,
                start_sel=START,
                stop_sel=STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "-published_at", "-pk")
    )


def _terms(query: str) -> tuple[list[str], list[str]]:
    """Split a query roughly as websearch_to_tsquery does: (wanted, left out)."""
    wanted: list[str] = []
    unwanted: list[str] = []
    for match in re.finditer(r'(-?)"([^"]*)"?|(-?)([^\s"]+)', query):
        phrase, word = match[2], match[4]
        term = (" ".join(phrase.split()) if word is None else word).strip(OPERATORS)
        if not any(char.isalnum() for char in term):
            continue
        if word is not None and term.lower() == "or":
            continue  # the fallback requires every word; "or" is not one of them
        (unwanted if match[1] or match[3] else wanted).append(term)
    return wanted, unwanted


def _contains(term: str) -> Q:
    return (
        Q(headline__icontains=term)
        | Q(standfirst__icontains=term)
        | Q(body__icontains=term)
    )


def _search_fallback(query: str, queryset: QuerySet) -> QuerySet:
    wanted, unwanted = _terms(query)
    if not wanted and not unwanted:
        return queryset.none()
    matching = queryset
    for term in wanted:
        matching = matching.filter(_contains(term))
    for term in unwanted:
        matching = matching.exclude(_contains(term))
    candidates = newest_matches(matching)
    return queryset.filter(pk__in=candidates).order_by("-published_at", "-pk")


def newest_matches(matching: QuerySet[Article]) -> list[int]:
    """Return the ids of the newest ``CANDIDATES`` stories of ``matching``.

    Look among the newest ``FIRST_WINDOW`` stories first, then ten times as many,
    until enough are found or the window holds every story; a window without any
    match goes straight to every story. A window is a range of publication times,
    so PostgreSQL intersects the word index with the date index and reads only the
    stories in both, or walks the dates backwards and stops at the
    ``CANDIDATES``-th match. Since the last window held fewer than ``CANDIDATES``
    matches, the next one, ten times as large, holds about ten times that at most:
    no window reads many more stories than it needs. A word in every story is
    settled in the first window, a rare one by the word index over all of them.
    """
    newest_first = (
        matching.select_related(None)
        .prefetch_related(None)
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)
    )
    times = (
        Article.objects.using(matching.db)
        .order_by("-published_at")
        .values_list("published_at", flat=True)
    )
    window = FIRST_WINDOW
    while True:
        oldest = next(iter(times[window - 1 : window]), None)
        if oldest is None:
            return list(newest_first[:CANDIDATES])
        found = list(newest_first.filter(published_at__gte=oldest)[:CANDIDATES])
        if len(found) == CANDIDATES:
            return found
        if not found:  # a rare word: the index finds its few stories at once
            return list(newest_first[:CANDIDATES])
        window *= 10


def _excerpt(text: str, terms: list[str]) -> str:
    """Cut about ``EXCERPT_CHARS`` characters around the first match and mark them."""
    text = " ".join(text.translate({ord(START): None, ord(STOP): None}).split())
    pattern = None
    if terms:
        alternatives = sorted({re.escape(term) for term in terms}, key=len)[::-1]
        pattern = re.compile("|".join(alternatives), re.IGNORECASE)
    first = pattern.search(text) if pattern else None
    start = 0
    if first and first.start() > EXCERPT_CHARS // 3:
        start = text.rfind(" ", 0, first.start() - EXCERPT_CHARS // 3) + 1
    end = min(len(text), max(start + EXCERPT_CHARS, first.end() if first else 0))
    if end < len(text):
        space = text.rfind(" ", start, end)
        if space > (first.end() if first else start):
            end = space
    window = text[start:end]
    if pattern:
        window = pattern.sub(lambda match: f"{START}{match[0]}{STOP}", window)
    return f"{'… ' if start else ''}{window}{' …' if end < len(text) else ''}"


class SearchView(ListView):
    """The search page: the form, then the matching published stories, best first."""

    template_name = "articles/search.html"
    paginate_by = settings.ARTICLES_PER_PAGE

    def setup(self, request: HttpRequest, *args, **kwargs) -> None:
        super().setup(request, *args, **kwargs)
        self.query, self.shortened = clean_query(request.GET.get("q", ""))

    def get_queryset(self) -> QuerySet[Article]:
        return search(self.query, queryset=Article.objects.with_relations())

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(
            query=self.query,
            shortened=self.shortened,
            max_query_words=MAX_QUERY_WORDS,
            max_query_chars=MAX_QUERY_CHARS,
            max_results=CANDIDATES,
            **kwargs,
        )
        results = list(context["object_list"])
        add_snippets(results, self.query)
        context["object_list"] = results
        if context.get("page_obj") is not None:
            context["page_obj"].object_list = results
        return context
