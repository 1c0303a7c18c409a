import pytest
from sklearn.metrics import roc_auc_score

from churn import model
from churn.features import ID, LABEL, PROBABILITY
from churn.sample import synthetic_customers


def test_scores_are_probabilities_for_every_customer():
    customers = synthetic_customers(300)
    scores = model.score(model.train(customers), customers)
    assert list(scores.columns) == [ID, PROBABILITY]
    assert scores[ID].tolist() == customers[ID].tolist()
    assert scores[PROBABILITY].between(0.0, 1.0).all()


def test_the_model_learns_the_signal():
    train, test = synthetic_customers(1000, seed=1), synthetic_customers(500, seed=2)
    scores = model.score(model.train(train), test)
    assert roc_auc_score(test[LABEL], scores[PROBABILITY]) > 0.7


def test_a_saved_model_scores_the_same_after_loading(tmp_path):
    customers = synthetic_customers(200)
    trained = model.train(customers)
    model.save(trained, tmp_path / "model.joblib")
    reloaded = model.load(tmp_path / "model.joblib")
    assert model.score(reloaded, customers).equals(model.score(trained, customers))


def test_training_without_the_label_is_refused():
    with pytest.raises(ValueError, match="missing columns: churned"):
        model.train(synthetic_customers(50).drop(columns=[LABEL]))
