"""Reading customers from and writing scores to a SQL database with SQLAlchemy and pandas.

Every environment has its own schema in the same database (as in the seed templates:
`integration`, `staging`, `production`): the schema comes from --schema or $CHURN_SCHEMA, and
None means the connection's default (SQLite, which has no schemas, in the unit tests).
Table and schema names are passed to SQLAlchemy as identifiers (quoted by it), never
formatted into SQL.
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


def default_schema() -> str | None:
    """The environment's schema: $CHURN_SCHEMA, or None for the connection's default."""
    return os.environ.get("CHURN_SCHEMA") or None


def ensure_schema(engine: sa.engine.Engine, schema: str | None) -> None:
    """Creates schema when it does not exist (nothing to do for None)."""
    if not schema:
        return
    with engine.begin() as conn:
        if schema not in sa.inspect(conn).get_schema_names():
            conn.execute(sa.schema.CreateSchema(schema))


def table_names(engine: sa.engine.Engine, schema: str | None = None) -> list[str]:
    """The tables of schema."""
    with engine.connect() as conn:
        return sorted(sa.inspect(conn).get_table_names(schema=schema))


def _select(names: list[str], table: str, schema: str | None) -> sa.sql.Select:
    return sa.select(*[sa.column(n) for n in names]).select_from(sa.table(table, schema=schema))


def load_customers(engine: sa.engine.Engine, table: str = CUSTOMERS,
                   with_label: bool = False, schema: str | None = None) -> pd.DataFrame:
    """The customers of table: id, features and, for training, the label."""
    names = [ID, *FEATURES] + ([LABEL] if with_label else [])
    with engine.connect() as conn:
        frame = pd.read_sql(_select(names, table, schema), conn)
    return frame.sort_values(ID, ignore_index=True)


def load_scores(engine: sa.engine.Engine, table: str = SCORES,
                schema: str | None = None) -> pd.DataFrame:
    """The scores written by `churn score`."""
    with engine.connect() as conn:
        frame = pd.read_sql(_select([ID, PROBABILITY], table, schema), conn)
    return frame.sort_values(ID, ignore_index=True)


def count_rows(engine: sa.engine.Engine, table: str, schema: str | None = None) -> int:
    """Rows in table; 0 when it does not exist."""
    if table not in table_names(engine, schema):
        return 0
    query = sa.select(sa.func.count()).select_from(sa.table(table, schema=schema))
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def save_frame(engine: sa.engine.Engine, frame: pd.DataFrame, table: str,
               schema: str | None = None) -> None:
    """Replaces table with frame (one transaction)."""
    with engine.begin() as conn:
        frame.to_sql(table, conn, schema=schema, if_exists="replace", index=False)


def drop_table(engine: sa.engine.Engine, table: str, schema: str | None = None) -> None:
    """Drops table when it exists."""
    with engine.begin() as conn:
        sa.Table(table, sa.MetaData(), schema=schema).drop(conn, checkfirst=True)
