from churn import cli, data
from churn.sample import synthetic_customers


def test_train_then_score(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'churn.db'}"
    engine = data.connect(url)
    data.save_frame(engine, synthetic_customers(120), data.CUSTOMERS)
    common = ["--database-url", url, "--model", str(tmp_path / "m.joblib")]
    assert cli.main([*common, "train"]) == 0
    assert cli.main([*common, "score"]) == 0
    assert "scored 120 customers" in capsys.readouterr().out
    assert len(data.load_scores(engine)) == 120
