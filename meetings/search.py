"""Full-text search of published notices (owned by the publishing feature).

`update_search_vectors(queryset)` keeps the stored search vectors of the given
notices current; bulk loaders call it after bulk_create.
"""


def update_search_vectors(queryset) -> int:
    """Recompute the search vector of each notice in the queryset; returns how many."""
    return 0
