"""The scoring entry point: `churn train` fits a model on the labelled customers table,
`churn score` writes a churn probability for every customer."""

import argparse
import sys
from pathlib import Path

from churn import __version__, data, model


def _train(args: argparse.Namespace) -> str:
    engine = data.connect(args.database_url)
    customers = data.load_customers(engine, args.table, with_label=True)
    model.save(model.train(customers), args.model)
    return f"trained on {len(customers)} customers -> {args.model}"


def _score(args: argparse.Namespace) -> str:
    engine = data.connect(args.database_url)
    scores = model.score(model.load(args.model), data.load_customers(engine, args.table))
    data.save_frame(engine, scores, args.scores_table)
    return f"scored {len(scores)} customers -> table {args.scores_table}"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="churn", description=__doc__)
    p.add_argument("--version", action="version", version=f"churn {__version__}")
    p.add_argument("--database-url", help="SQLAlchemy URL (default: $DATABASE_URL)")
    p.add_argument("--table", default=data.CUSTOMERS, help="customers table")
    p.add_argument("--model", type=Path, default=Path("model.joblib"), help="model file")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("train", help="fit the model").set_defaults(run=_train)
    score = sub.add_parser("score", help="score every customer")
    score.add_argument("--scores-table", default=data.SCORES)
    score.set_defaults(run=_score)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    print(args.run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
