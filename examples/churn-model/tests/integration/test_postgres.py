"""Against a real PostgreSQL: the `db` service of pipewright.yaml. DATABASE_URL names it,
PGPASSWORD carries the password, CHURN_SCHEMA is this environment's schema (`integration`),
as in the seed templates: one database, one schema per environment.

Nothing here is skipped: without a database every test fails, and that is the point (the
pipeline proves these tests use the service by removing it and watching them fail)."""

import os

import pytest
import sqlalchemy as sa

from churn import cli, data, smoke
from churn.features import LABEL
from churn.sample import synthetic_customers

SCHEMA = os.environ.get("CHURN_SCHEMA", "integration")


@pytest.fixture(scope="module")
def engine():
    engine = data.connect()  # raises when DATABASE_URL is not set: a failure, not a skip
    data.ensure_schema(engine, SCHEMA)
    yield engine
    for table in ("it_customers", "it_scores"):
        data.drop_table(engine, table, schema=SCHEMA)
    engine.dispose()


def test_the_database_is_postgresql(engine):
    with engine.connect() as conn:
        version = conn.execute(sa.text("select version()")).scalar_one()
    assert version.startswith("PostgreSQL 15")


def test_train_and_score_in_the_environments_schema(engine, tmp_path):
    data.save_frame(engine, synthetic_customers(250, seed=3), "it_customers", schema=SCHEMA)
    common = ["--schema", SCHEMA, "--table", "it_customers", "--model", str(tmp_path / "m.joblib")]
    cli.main([*common, "train"])
    cli.main([*common, "score", "--scores-table", "it_scores"])
    scores = data.load_scores(engine, "it_scores", schema=SCHEMA)
    assert len(scores) == 250
    assert scores["churn_probability"].between(0.0, 1.0).all()
    # Written to this environment's schema, not to the default one.
    assert {"it_customers", "it_scores"} <= set(data.table_names(engine, SCHEMA))
    assert "it_scores" not in data.table_names(engine, "public")


def test_postgres_types_survive_the_round_trip(engine):
    customers = synthetic_customers(20)
    data.save_frame(engine, customers, "it_customers", schema=SCHEMA)
    loaded = data.load_customers(engine, "it_customers", with_label=True, schema=SCHEMA)
    assert loaded["monthly_charges"].tolist() == customers["monthly_charges"].tolist()
    assert loaded[LABEL].tolist() == customers[LABEL].tolist()


def test_load_sample_is_idempotent_per_schema(engine):
    args = ["--schema", SCHEMA, "--table", "it_customers", "load-sample", "--rows", "60"]
    data.drop_table(engine, "it_customers", schema=SCHEMA)
    cli.main([*args, "--if-empty"])
    cli.main([*args[:-1], "90", "--if-empty"])
    assert data.count_rows(engine, "it_customers", schema=SCHEMA) == 60


def test_the_shipped_smoke_check_passes(engine):
    assert smoke.check(schema=SCHEMA).startswith("smoke: ok")
