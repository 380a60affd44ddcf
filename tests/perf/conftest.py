import pytest

from members import pagecache


@pytest.fixture(autouse=True)
def _no_pages_kept_from_other_tests():
    """Kept pages and what each user sees outlive a test's rolled-back data (and user ids come again)."""
    pagecache.clear()
    yield
    pagecache.clear()
