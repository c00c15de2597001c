"""The quick size pass (rulebook/events.py ``_within_bounds``) may only let through what the
located walk (``bounds.data_problem``) accepts: otherwise an input beyond a limit would
go unrefused."""

from hypothesis import given, settings, strategies as st

from rulebook import bounds
from rulebook.events import _within_bounds

scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**60, 2**60), st.floats(),
                    st.text(max_size=3), st.text(min_size=bounds.MAX_TEXT - 1,
                                                 max_size=bounds.MAX_TEXT + 1, alphabet="ab"))
keys = st.one_of(st.text(max_size=3), st.just("k" * (bounds.MAX_TEXT + 1)))
json_like = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=3)), max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.dictionaries(keys, json_like, max_size=4), st.lists(json_like, max_size=4)))
def test_the_quick_pass_passes_only_what_the_walk_accepts(data):
    if _within_bounds(data):
        assert bounds.data_problem(data) is None
    else:  # plain JSON: the quick pass says no only when the walk finds the problem
        assert bounds.data_problem(data) is not None


def test_too_deep_is_caught_by_both():
    data: list = []
    for _ in range(bounds.MAX_NESTING + 1):
        data = [data]
    assert not _within_bounds({"events": data})
    assert bounds.data_problem({"events": data}) is not None
    shallow: list = []
    for _ in range(bounds.MAX_NESTING - 2):
        shallow = [shallow]
    assert _within_bounds({"events": shallow}) and bounds.data_problem({"events": shallow}) is None
