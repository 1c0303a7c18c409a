"""End-to-end check of an installed churn package against a real database:
`python3 -m churn.smoke` seeds synthetic customers, trains, saves and reloads the model
with joblib, scores through the same entry point as production and reads the scores back.
It uses only what the wheel installs, so it runs in the release image. Exit status 0 or 1."""

import os
import sys
import tempfile
from pathlib import Path

from sklearn.metrics import roc_auc_score

from churn import cli, data
from churn.features import ID, LABEL, PROBABILITY
from churn.sample import synthetic_customers


def check(database_url: str | None = None, schema: str | None = None) -> str:
    """Runs in the environment's schema ($CHURN_SCHEMA unless given) on tables of its own."""
    schema = schema or data.default_schema()
    engine = data.connect(database_url)
    data.ensure_schema(engine, schema)
    suffix = str(os.getpid())
    customers_table, scores_table = "smoke_customers_" + suffix, "smoke_scores_" + suffix
    customers = synthetic_customers(n=400, seed=7)
    data.save_frame(engine, customers, customers_table, schema=schema)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            common = ["--table", customers_table, "--model", str(Path(tmp) / "model.joblib")]
            if schema:
                common = ["--schema", schema, *common]
            if database_url:
                common = ["--database-url", database_url, *common]
            cli.main([*common, "train"])
            cli.main([*common, "score", "--scores-table", scores_table])
        scores = data.load_scores(engine, scores_table, schema=schema)
    finally:
        data.drop_table(engine, customers_table, schema=schema)
        data.drop_table(engine, scores_table, schema=schema)
    if len(scores) != len(customers):
        raise RuntimeError(f"{len(scores)} scores for {len(customers)} customers")
    if not scores[PROBABILITY].between(0.0, 1.0).all():
        raise RuntimeError("a probability outside [0, 1]")
    merged = customers.merge(scores, on=ID)
    auc = roc_auc_score(merged[LABEL], merged[PROBABILITY])
    if auc < 0.7:
        raise RuntimeError(f"AUC {auc:.2f} on the synthetic sample; expected at least 0.70")
    return f"smoke: ok ({len(scores)} customers scored, AUC {auc:.2f})"


def main() -> int:
    try:
        print(check())
    except Exception as error:  # report any failure as a failed check, not a traceback
        print(f"smoke: FAILED: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
