"""Reading customers from and writing scores to a SQL database with SQLAlchemy and pandas.

Table names are passed to SQLAlchemy as identifiers (quoted by it), never formatted into SQL.
"""

import os

import pandas as pd
import sqlalchemy as sa

from churn.features import FEATURES, ID, LABEL, PROBABILITY

CUSTOMERS = "customers"
SCORES = "churn_scores"


def connect(url: str | None = None) -> sa.engine.Engine:
    """An engine for url, or for $DATABASE_URL. The password may come from $PGPASSWORD
    (libpq reads it), which keeps it out of the URL and out of logs."""
    url = url or os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("no database: set DATABASE_URL or pass --database-url")
    return sa.create_engine(url)


def load_customers(engine: sa.engine.Engine, table: str = CUSTOMERS,
                   with_label: bool = False) -> pd.DataFrame:
    """The customers of table: id, features and, for training, the label."""
    names = [ID, *FEATURES] + ([LABEL] if with_label else [])
    query = sa.select(*[sa.column(n) for n in names]).select_from(sa.table(table))
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    return frame.sort_values(ID, ignore_index=True)


def load_scores(engine: sa.engine.Engine, table: str = SCORES) -> pd.DataFrame:
    """The scores written by `churn score`."""
    query = sa.select(sa.column(ID), sa.column(PROBABILITY)).select_from(sa.table(table))
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    return frame.sort_values(ID, ignore_index=True)


def save_frame(engine: sa.engine.Engine, frame: pd.DataFrame, table: str) -> None:
    """Replaces table with frame (one transaction)."""
    with engine.begin() as conn:
        frame.to_sql(table, conn, if_exists="replace", index=False)


def drop_table(engine: sa.engine.Engine, table: str) -> None:
    """Drops table when it exists."""
    with engine.begin() as conn:
        sa.Table(table, sa.MetaData()).drop(conn, checkfirst=True)
