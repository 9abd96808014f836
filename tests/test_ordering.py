"""ordering.by_identity sorts exactly like sorted() over identity tuples, stably, in every case."""
from __future__ import annotations

import random

from workbench.ordering import by_identity


def test_same_order_as_tuples_and_stable():
    random.seed(7)
    parts = ["", "a", "ab", "a b", "b", "Z", "é", "r1", "r10", "r2", "public"]
    rows = [(random.choice(parts), random.choice(parts), n) for n in range(2000)]
    expected = sorted(rows, key=lambda row: (row[0], row[1]))   # stable: equal identities keep row order
    assert by_identity(rows, [0, 1]) == expected
    assert by_identity(set(rows), [0, 1, 2])[:0] == [] and by_identity(rows, []) == rows
    assert by_identity([("b",), ("a",), ("ab",)], [0]) == [("a",), ("ab",), ("b",)]


def test_parts_that_are_not_plain_names_fall_back_to_tuple_order():
    with_nul = [("a", "b\0c"), ("a\0", "a"), ("a", "b")]
    assert by_identity(with_nul, [0, 1]) == sorted(with_nul)
    numbers = [("s", 10), ("s", 9), ("r", 11)]
    assert by_identity(numbers, [0, 1]) == sorted(numbers)
