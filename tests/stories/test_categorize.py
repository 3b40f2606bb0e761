"""Predicted categories: learnt from labelled articles, for articles that have none."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

from newsarchive.errors import NewsarchiveError
from newsarchive.model import Article, Grouping, PredictedCategory, SourceRef, grouping_to_dict
from newsarchive.stories.categorize import CategoryModel, CategoryModelError, TrainingError

LABELLED = {
    "Sport": [
        (
            "United win derby in stoppage time",
            "The striker scored twice as the home side beat "
            "their rivals 2-1 in the league match, and the manager praised the goalkeeper.",
        ),
        (
            "Champion knocked out in second round",
            "The defending champion lost the tennis match "
            "in straight sets; her coach said the season was long and the tournament hard.",
        ),
        (
            "Coach names squad for the World Cup",
            "The national team coach picked three new "
            "players for the World Cup squad, and the captain returns after injury.",
        ),
        (
            "Record transfer fee for young striker",
            "The club paid a record fee for the striker, "
            "who scored 20 goals in the league last season, the manager said.",
        ),
        (
            "Marathon winner breaks course record",
            "The runner won the marathon in a course "
            "record time; the champion said the season had been her best match yet.",
        ),
    ],
    "Business": [
        (
            "Bank raises interest rates again",
            "The central bank raised interest rates by a "
            "quarter point as inflation rose, and shares fell on the stock market.",
        ),
        (
            "Carmaker profits fall as sales slow",
            "Quarterly profits at the carmaker fell 12% as "
            "sales slowed in Europe; its shares dropped and investors sold the stock.",
        ),
        (
            "Oil prices hit a three-month high",
            "Oil prices rose to a three-month high as "
            "investors bet on demand; energy shares led the stock market higher.",
        ),
        (
            "Retailer to cut 2,000 jobs",
            "The retailer will cut 2,000 jobs after sales fell and "
            "profits halved; its chief executive said costs and inflation hurt the firm.",
        ),
        (
            "Tech firm buys rival for $2bn",
            "The firm agreed to buy its rival for $2bn in cash; "
            "shares in both companies rose and the bank advising the deal expects profits.",
        ),
    ],
    "Politics": [
        (
            "Prime minister calls early election",
            "The prime minister called an early election, "
            "telling parliament that voters should choose the next government.",
        ),
        (
            "Opposition leader attacks budget plans",
            "The opposition leader said the "
            "government's budget would raise taxes, and MPs will vote on it in parliament.",
        ),
        (
            "Minister resigns over spending row",
            "The minister resigned after a row over "
            "spending; the prime minister thanked her and the party named a successor.",
        ),
        (
            "Voters head to the polls in local elections",
            "Voters chose councillors in local "
            "elections, a test for the government and the opposition party before the election.",
        ),
        (
            "Parliament passes new asylum law",
            "MPs in parliament voted for the government's "
            "asylum law; the opposition party said ministers ignored the election promises.",
        ),
    ],
}


def article(title: str, text: str, categories: tuple[str, ...] = ()) -> Article:
    source = SourceRef(sha256="0" * 64, start=0, end=len(text), path="test.txt")
    return Article(title, title, None, (text,), source, categories=categories)


@pytest.fixture(scope="module")
def labelled() -> list[Article]:
    return [
        article(title, text, (category,))
        for category, items in LABELLED.items()
        for title, text in items
    ]


@pytest.fixture(scope="module")
def model(labelled: list[Article]) -> CategoryModel:
    return CategoryModel.train(labelled)


def test_unseen_articles_get_the_right_category(model: CategoryModel) -> None:
    assert set(model.labels) == {"Sport", "Business", "Politics"}
    cases = {
        "Sport": article("Keeper saves penalty", "The goalkeeper saved a late penalty and the "
                         "club won the league match; the manager hailed the striker."),
        "Business": article("Shares slide on profit warning", "Shares in the firm fell after "
                            "it warned profits would drop as sales slowed and inflation rose."),
        "Politics": article("Government survives vote", "The government won the vote in "
                            "parliament after the opposition party called for an election."),
    }  # fmt: skip
    for expected, unseen in cases.items():
        predicted = model.predict(unseen)
        assert predicted, expected
        assert predicted[0] == PredictedCategory(expected, predicted[0].confidence)


def test_confidences_are_probabilities_highest_first(model: CategoryModel) -> None:
    text = (
        "The minister said the bank's shares and the government's budget would help the "
        "stock market before the election."
    )
    unseen = article("Minister backs the bank", text)
    predicted = model.predict(unseen, top=3, min_confidence=0.0)
    assert len(predicted) == 3
    confidences = [p.confidence for p in predicted]
    assert all(0.0 <= c <= 1.0 for c in confidences)
    assert confidences == sorted(confidences, reverse=True)
    assert all(isinstance(p, PredictedCategory) for p in predicted)


def test_min_confidence_and_top_limit_what_is_returned(model: CategoryModel) -> None:
    unseen = article("Striker scores twice", "The striker scored twice in the league match.")
    everything = model.predict(unseen, top=3, min_confidence=0.0)
    assert model.predict(unseen, top=1, min_confidence=0.0) == everything[:1]
    threshold = everything[0].confidence
    confident = model.predict(unseen, top=3, min_confidence=threshold)
    assert confident == (everything[0],)
    assert model.predict(unseen, min_confidence=1.01) == ()


def test_predictions_are_marked_predicted_in_json(model: CategoryModel) -> None:
    unseen = article("Keeper saves penalty", "The goalkeeper saved a penalty in the match.")
    data = grouping_to_dict(Grouping(predicted_categories=model.predict(unseen)))
    assert data["predicted_categories"]
    assert all(p["predicted"] is True for p in data["predicted_categories"])


def test_text_without_known_words_gets_no_category(model: CategoryModel) -> None:
    assert model.predict(article("Xyzzy", "Plugh quux.")) == ()


def test_round_trip_predicts_exactly_the_same(
    model: CategoryModel, labelled: list[Article]
) -> None:
    data = model.to_bytes()
    again = CategoryModel.from_bytes(data)
    assert again.labels == model.labels
    unseen = [replace(a, categories=(), title=f"{a.title} today") for a in labelled]
    expected = model.predict_many(unseen, top=3, min_confidence=0.0)
    assert again.predict_many(unseen, top=3, min_confidence=0.0) == expected
    assert again.to_bytes() == data


def test_damaged_model_bytes_are_refused_with_our_error(model: CategoryModel) -> None:
    with pytest.raises(CategoryModelError, match="categorize --train"):
        CategoryModel.from_bytes(b"not a model")
    data = model.to_bytes()
    with pytest.raises(CategoryModelError, match="damaged"):
        CategoryModel.from_bytes(data[:40])


def test_too_few_labelled_articles_is_a_clear_error(labelled: list[Article]) -> None:
    only_sport = [a for a in labelled if a.categories == ("Sport",)]
    unlabelled = [replace(a, categories=()) for a in labelled]
    for articles in (only_sport, unlabelled, labelled[:3] + labelled[5:8]):
        with pytest.raises(TrainingError, match="at least 5 articles in at least 2 categories"):
            CategoryModel.train(articles)
    assert issubclass(TrainingError, NewsarchiveError)


def test_multi_label_articles_train_each_category(labelled: list[Article]) -> None:
    # a politics article about the budget is in both Politics and Business
    both = [
        replace(a, categories=("Politics", "Business")) if a.categories == ("Politics",) else a
        for a in labelled
    ]
    rare = [replace(labelled[0], categories=("Sport", "Rowing"))]
    model = CategoryModel.train(both + rare)
    assert set(model.labels) == {"Sport", "Business", "Politics"}  # Rowing: 1 article, too few
    unseen = article("Budget vote", "MPs in parliament voted on the government's budget.")
    names = {p.name for p in model.predict(unseen, min_confidence=0.5)}
    assert {"Politics", "Business"} <= names


def test_bbc_cross_validated_accuracy_and_calibration(shared_dir: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from bench_categorize import cross_validate, load_bbc, ours

    articles = load_bbc(shared_dir / "eval" / "bbc-fulltext", limit=450)  # every fourth
    (run,) = cross_validate(articles, {"ours": ours}, folds=2)
    assert run.accuracy() >= 0.93
    # calibrated: the confidence of the top category says how often it is right
    assert abs(run.top_confidence() - run.accuracy()) < 0.1
