"""The search's substring conditions through the bigram columns (bulletins.selectors.containing)
find exactly the rows a plain substring search finds, for words of every length, Chinese or
Latin/digit 文号; and the database's bigrams are Python's (bulletins.models.bigrams)."""

import random
from datetime import date

import pytest

from bulletins import selectors
from bulletins.models import Category, PolicyDocument, bigrams

pytestmark = pytest.mark.django_db

ALPHABET = "工会职困难帮扶审答劳动合同送温暖12〔〕号A b"
PLANTED = ["审答", "劳动合同", "送温暖工程", "总工发〔2026〕12号", "100%", "a_b"]
COLUMNS = ["title", "number", "keywords", "body_text", "issuer"]


@pytest.fixture
def corpus(cast) -> list[PolicyDocument]:
    rng = random.Random(22)
    author = cast.users["national_admin"]

    def text(length: int) -> str:
        drawn = "".join(rng.choice(ALPHABET) for _ in range(length))
        return drawn + (rng.choice(PLANTED) if rng.random() < 0.3 else "")

    rows = [
        PolicyDocument(title=text(12), number=text(8), keywords=text(6), issuer=text(6), body=f"<p>{n}</p>", body_text=text(80),
                       published_on=date(2026, 1, 1 + n % 28), unit=author.unit, author=author,
                       category=Category.NATIONAL_LAW)
        for n in range(80)
    ]  # fmt: skip
    PolicyDocument.objects.bulk_create(rows)
    return list(PolicyDocument.objects.all())


def words_of(corpus, rng) -> set[str]:
    """2-, 3- and 5-character pieces of the corpus, the planted ones, absent ones and one character."""
    texts = [getattr(row, column) for row in corpus for column in COLUMNS]
    pieces = set()
    for length in (2, 3, 5):
        for text in rng.sample(texts, 40):
            start = rng.randrange(max(1, len(text) - length))
            pieces.add(text[start : start + length])
    return pieces | set(PLANTED) | {"龘靐", "审答审答审答", "工", "〕1", "12号"}


def test_every_condition_finds_what_the_substring_search_finds(corpus):
    words = words_of(corpus, random.Random(7))
    assert {len(w) for w in words} >= {1, 2, 3, 5}
    for column in COLUMNS:
        for word in words:
            found = set(PolicyDocument.objects.filter(selectors.containing(PolicyDocument, column, word))
                        .values_list("pk", flat=True))  # fmt: skip
            expected = {row.pk for row in corpus if word in getattr(row, column)}
            assert found == expected, (column, word)


def test_a_condition_of_two_characters_or_more_goes_through_the_bigrams():
    assert "title_bigrams__contains" in str(selectors.containing(PolicyDocument, "title", "审答"))
    assert "bigrams" not in str(selectors.containing(PolicyDocument, "title", "审"))  # one character: LIKE


def test_the_database_bigrams_are_the_python_bigrams(corpus):
    for row in PolicyDocument.objects.values(*COLUMNS, *(f"{column}_bigrams" for column in COLUMNS)):
        for column in COLUMNS:
            assert sorted(row[f"{column}_bigrams"]) == bigrams(row[column]), column
    assert bigrams("总工发〔2026〕12号") == sorted(
        ["总工", "工发", "发〔", "〔2", "20", "02", "26", "6〕", "〕1", "12", "2号"]
    )
    assert bigrams("工") == [] and bigrams("") == []


@pytest.mark.parametrize("units_as_ids", [500, 0])  # the units' ids, or (a word in many names) a subquery
def test_the_publisher_is_the_unit_or_the_issuer(cast, corpus, monkeypatch, units_as_ids):
    monkeypatch.setattr(selectors, "PUBLISHER_UNITS", units_as_ids)
    unit = cast.users["national_admin"].unit
    for word in [unit.name[:2], unit.name, "审答", "龘靐"]:
        found = set(PolicyDocument.objects.filter(selectors.published_by(PolicyDocument, word, issuer=True))
                    .values_list("pk", flat=True))  # fmt: skip
        assert found == {row.pk for row in corpus if word in row.issuer or word in unit.name}, word
