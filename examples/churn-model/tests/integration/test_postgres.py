"""Against a real PostgreSQL (the `db` service of pipewright.yaml): DATABASE_URL names it,
PGPASSWORD carries the password. Skipped when no database is configured."""

import os

import pytest

from churn import cli, data, smoke
from churn.sample import synthetic_customers

pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="DATABASE_URL not set")


@pytest.fixture
def engine():
    engine = data.connect()
    yield engine
    for table in ("it_customers", "it_scores"):
        data.drop_table(engine, table)


def test_train_and_score_in_postgres(engine, tmp_path):
    data.save_frame(engine, synthetic_customers(250, seed=3), "it_customers")
    common = ["--table", "it_customers", "--model", str(tmp_path / "m.joblib")]
    cli.main([*common, "train"])
    cli.main([*common, "score", "--scores-table", "it_scores"])
    scores = data.load_scores(engine, "it_scores")
    assert len(scores) == 250
    assert scores["churn_probability"].between(0.0, 1.0).all()


def test_postgres_types_survive_the_round_trip(engine):
    customers = synthetic_customers(20)
    data.save_frame(engine, customers, "it_customers")
    loaded = data.load_customers(engine, "it_customers", with_label=True)
    assert loaded["monthly_charges"].tolist() == customers["monthly_charges"].tolist()


def test_the_shipped_smoke_check_passes():
    assert smoke.check().startswith("smoke: ok")
