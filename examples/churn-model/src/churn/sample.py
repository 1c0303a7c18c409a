"""Synthetic customers for the tests and the smoke check: no real data lives in the repository."""

import numpy as np
import pandas as pd

from churn.features import FEATURES, ID, LABEL


def synthetic_customers(n: int = 500, seed: int = 0) -> pd.DataFrame:
    """n customers whose churn depends on the features the way real churn tends to."""
    rng = np.random.default_rng(seed)
    tenure = rng.integers(1, 72, n)
    charges = rng.uniform(20.0, 120.0, n).round(2)
    calls = rng.poisson(1.5, n)
    monthly = rng.integers(0, 2, n)
    # New, expensive, unhappy, month-to-month customers leave more often.
    logit = -1.0 - 0.05 * tenure + 0.02 * charges + 0.6 * calls + 1.2 * monthly
    churned = rng.random(n) < 1.0 / (1.0 + np.exp(-logit))
    columns = [ID, *FEATURES, LABEL]
    data = [np.arange(1, n + 1), tenure, charges, calls, monthly, churned.astype(int)]
    return pd.DataFrame(dict(zip(columns, data)))
