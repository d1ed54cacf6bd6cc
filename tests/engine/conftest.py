"""Fixtures the engine tests share: the offline digits and what their pictures look like."""

import pytest

from tflab.data import load_dataset
from tflab.profile import profile_pictures


@pytest.fixture(scope="session")
def digits():
    """The multi-class recipe's data: scikit-learn's digits at 28x28, split as it splits."""
    return load_dataset("digits", {}, 0.2, 42)


@pytest.fixture(scope="session")
def profile(digits):
    """The profile of the digits' training pictures, as a run records it."""
    return profile_pictures(digits.x_train)
