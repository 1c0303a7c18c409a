"""The loader against SQLite: no server needed, same SQLAlchemy code paths."""

import pytest

from churn import cli, data
from churn.features import FEATURES, ID, LABEL
from churn.sample import synthetic_customers


@pytest.fixture
def engine(tmp_path):
    return data.connect(f"sqlite:///{tmp_path / 'churn.db'}")


def test_customers_round_trip(engine):
    customers = synthetic_customers(50)
    data.save_frame(engine, customers, data.CUSTOMERS)
    loaded = data.load_customers(engine, with_label=True)
    assert list(loaded.columns) == [ID, *FEATURES, LABEL]
    assert loaded[ID].tolist() == customers[ID].tolist()


def test_scoring_reads_no_label(engine):
    data.save_frame(engine, synthetic_customers(10), data.CUSTOMERS)
    assert LABEL not in data.load_customers(engine).columns


def test_a_hostile_table_name_is_an_identifier_not_sql(engine):
    name = 'x"; DROP TABLE customers; --'
    data.save_frame(engine, synthetic_customers(5), data.CUSTOMERS)
    data.save_frame(engine, synthetic_customers(3), name)
    assert len(data.load_customers(engine, name)) == 3
    assert len(data.load_customers(engine)) == 5


def test_no_database_configured(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        data.connect()


def test_the_schema_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("CHURN_SCHEMA", "staging")
    assert data.default_schema() == "staging"
    monkeypatch.delenv("CHURN_SCHEMA")
    assert data.default_schema() is None


def test_load_sample_fills_an_empty_table_once(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'churn.db'}"
    assert cli.main(["--database-url", url, "load-sample", "--rows", "30", "--if-empty"]) == 0
    assert cli.main(["--database-url", url, "load-sample", "--rows", "40", "--if-empty"]) == 0
    assert "already holds 30 customers" in capsys.readouterr().out
    assert data.count_rows(data.connect(url), data.CUSTOMERS) == 30
