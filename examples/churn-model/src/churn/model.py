"""The churn model: a scaled logistic regression, persisted with joblib."""

from pathlib import Path

import joblib
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from churn.features import FEATURES, ID, LABEL, PROBABILITY


def _require(frame: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError("missing columns: " + ", ".join(missing))


def train(customers: pd.DataFrame) -> Pipeline:
    """Fits the model on labelled customers."""
    _require(customers, [*FEATURES, LABEL])
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    model.fit(customers[FEATURES], customers[LABEL])
    return model


def score(model: Pipeline, customers: pd.DataFrame) -> pd.DataFrame:
    """One row per customer: its id and the probability that it churns."""
    _require(customers, [ID, *FEATURES])
    probability = model.predict_proba(customers[FEATURES])[:, 1]
    return pd.DataFrame({ID: customers[ID].to_numpy(), PROBABILITY: probability})


def save(model: Pipeline, path: Path) -> None:
    """Writes the model to path (a joblib file)."""
    joblib.dump(model, path)


def load(path: Path) -> Pipeline:
    """Reads a model written by save. joblib files are pickles: load only your own."""
    return joblib.load(path)
