"""Shingles, MinHash signatures and the band index: what the duplicate index relies on."""

from __future__ import annotations

import numpy as np

from newsarchive.stories.lsh import BandIndex, choose_bands
from newsarchive.stories.minhash import EMPTY, MinHasher, estimate_jaccard
from newsarchive.stories.shingles import normalise_words, shingle_hashes

WORDS = [f"word{i}" for i in range(1200)]


def _jaccard_pair(shared: int, own: int) -> tuple[str, str, float]:
    """Two texts of distinct words sharing ``shared`` 3-word shingles, plus ``own`` each."""
    common = WORDS[: shared + 2]
    first = " ".join(common + WORDS[400 : 400 + own])
    second = " ".join(common + WORDS[800 : 800 + own])
    a = {tuple(first.split()[i : i + 3]) for i in range(len(first.split()) - 2)}
    b = {tuple(second.split()[i : i + 3]) for i in range(len(second.split()) - 2)}
    return first, second, len(a & b) / len(a | b)


def test_words_are_normalised_for_case_punctuation_and_compatibility_forms() -> None:
    assert normalise_words("The “ﬁnal” WORD—said Ｍｒ. Smith,\n\nagain!") == [
        "the", "final", "word", "said", "mr", "smith", "again"
    ]  # fmt: skip


def test_equal_shingles_hash_equally_wherever_they_are() -> None:
    first = shingle_hashes("the cat sat on the mat")
    second = shingle_hashes("Yesterday THE cat sat on the mat.")
    assert first.size == 4 and second.size == 5
    assert set(first.tolist()) <= set(second.tolist())
    assert shingle_hashes("").size == 0
    assert shingle_hashes("two words").size == 1


def test_signatures_are_the_same_in_every_hasher_with_the_same_seed() -> None:
    text = " ".join(WORDS[:300])
    assert np.array_equal(MinHasher().signature(text), MinHasher().signature(text))
    assert not np.array_equal(MinHasher(seed=2).signature(text), MinHasher().signature(text))
    assert MinHasher(64).signature(text).shape == (64,)


def test_estimates_follow_the_true_jaccard_similarity() -> None:
    hasher = MinHasher(256)
    for shared, own in ((300, 10), (200, 50), (100, 100), (50, 200)):
        first, second, truth = _jaccard_pair(shared, own)
        estimate = estimate_jaccard(hasher.signature(first), hasher.signature(second))
        assert abs(estimate - truth) < 0.08, (truth, estimate)


def test_a_text_without_words_is_similar_to_nothing() -> None:
    hasher = MinHasher()
    empty = hasher.signature("...")
    assert np.all(empty == EMPTY)
    assert estimate_jaccard(empty, empty) == 0.0
    assert np.array_equal(hasher.signatures(["", "a b c"])[0], empty)


def test_bands_catch_pairs_at_the_threshold() -> None:
    for threshold in (0.5, 0.8, 0.9):
        bands, rows = choose_bands(threshold, 128)
        assert bands * rows <= 128
        assert 1 - (1 - threshold**rows) ** bands >= 0.99


def test_the_band_index_finds_signatures_sharing_a_band_before_and_after_merging() -> None:
    hasher = MinHasher()
    index = BandIndex(*choose_bands(0.8, 128))
    signatures = hasher.signatures([" ".join(WORDS[i : i + 40]) for i in range(0, 1100, 50)])
    for position, signature in enumerate(signatures):
        index.insert(index.band_keys(signature)[0], position)
    near = " ".join(WORDS[500:540]).replace("word520", "changed")
    keys = index.band_keys(hasher.signature(near))[0]
    assert index.query(keys).tolist() == [10]
    index.flush()
    assert index.query(keys).tolist() == [10]
    assert index.query(index.band_keys(hasher.signature("nothing like it at all"))[0]).size == 0
