"""The entry point `churn`:
  churn train          fit the model on the labelled customers table, save it with joblib
  churn score          write a churn probability for every customer to a table
  churn serve          the scoring service over HTTP (see churn.service)
  churn load-sample    synthetic customers for an environment without data (demos, tests)
Every command reads the database from --database-url or $DATABASE_URL and works in the
environment's schema (--schema or $CHURN_SCHEMA)."""

import argparse
import os
import sys
from pathlib import Path

from churn import __version__, data, model, service
from churn.sample import synthetic_customers


def _train(args: argparse.Namespace) -> str:
    engine = data.connect(args.database_url)
    customers = data.load_customers(engine, args.table, with_label=True, schema=args.schema)
    model.save(model.train(customers), args.model)
    return f"trained on {len(customers)} customers -> {args.model}"


def _score(args: argparse.Namespace) -> str:
    engine = data.connect(args.database_url)
    customers = data.load_customers(engine, args.table, schema=args.schema)
    scores = model.score(model.load(args.model), customers)
    data.save_frame(engine, scores, args.scores_table, schema=args.schema)
    return f"scored {len(scores)} customers -> table {args.scores_table}"


def _load_sample(args: argparse.Namespace) -> str:
    engine = data.connect(args.database_url)
    data.ensure_schema(engine, args.schema)
    where = f"{args.schema or '(default schema)'}.{args.table}"
    existing = data.count_rows(engine, args.table, schema=args.schema)
    if args.if_empty and existing:
        return f"{where} already holds {existing} customers; kept"
    data.save_frame(engine, synthetic_customers(args.rows, seed=args.seed), args.table,
                    schema=args.schema)
    return f"{where}: {args.rows} synthetic customers"


def _serve(args: argparse.Namespace) -> str:
    engine = data.connect(args.database_url)
    if args.model.exists():
        fitted, trained_on = model.load(args.model), None
    else:
        customers = data.load_customers(engine, args.table, with_label=True, schema=args.schema)
        fitted, trained_on = model.train(customers), len(customers)
        model.save(fitted, args.model)
    engine.dispose()
    info = {"environment": os.environ.get("CHURN_ENVIRONMENT", ""), "schema": args.schema,
            "model": str(args.model), "trained_on": trained_on}
    service.serve(service.ScoringService(fitted, info), args.host, args.port)
    return "churn serve: stopped"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="churn", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"churn {__version__}")
    p.add_argument("--database-url", help="SQLAlchemy URL (default: $DATABASE_URL)")
    p.add_argument("--schema", default=data.default_schema(),
                   help="the environment's schema (default: $CHURN_SCHEMA, else the default)")
    p.add_argument("--table", default=data.CUSTOMERS, help="customers table")
    p.add_argument("--model", type=Path, default=Path("model.joblib"), help="model file")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("train", help="fit the model").set_defaults(run=_train)
    score = sub.add_parser("score", help="score every customer")
    score.add_argument("--scores-table", default=data.SCORES)
    score.set_defaults(run=_score)
    serve = sub.add_parser("serve", help="the scoring service over HTTP")
    serve.add_argument("--host", default="0.0.0.0")  # nosec B104: it runs in a container
    serve.add_argument("--port", type=int, default=8080)
    serve.set_defaults(run=_serve)
    sample = sub.add_parser("load-sample", help="synthetic customers (demos and tests)")
    sample.add_argument("--rows", type=int, default=500)
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--if-empty", action="store_true", help="keep a table that has rows")
    sample.set_defaults(run=_load_sample)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    print(args.run(args), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
