"""The scoring service over real HTTP on a free local port (no database: a model in memory)."""

import json
import threading
import urllib.error
import urllib.request

import pytest

from churn import model, service
from churn.features import FEATURES, ID, LABEL
from churn.sample import synthetic_customers


@pytest.fixture(scope="module")
def url():
    fitted = model.train(synthetic_customers(400))
    server = service.make_server(service.ScoringService(fitted, {"environment": "unit"}),
                                 "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def request(url, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as response:  # nosec B310: http://127.0.0.1
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_health_names_the_environment(url):
    status, body = request(url, "/health")
    assert status == 200
    assert body["status"] == "ok" and body["environment"] == "unit"


def test_scores_a_batch(url):
    customers = synthetic_customers(20, seed=5).drop(columns=[LABEL])
    status, body = request(url, "/score", {"customers": customers.to_dict(orient="records")})
    assert status == 200
    assert [s[ID] for s in body["scores"]] == customers[ID].tolist()
    assert all(0.0 <= s["churn_probability"] <= 1.0 for s in body["scores"])


def test_a_risky_customer_scores_higher_than_a_loyal_one(url):
    risky = {ID: 1, "tenure_months": 1, "monthly_charges": 118.0, "support_calls": 6,
             "on_monthly_contract": 1}
    loyal = {ID: 2, "tenure_months": 70, "monthly_charges": 25.0, "support_calls": 0,
             "on_monthly_contract": 0}
    _, body = request(url, "/score", {"customers": [risky, loyal]})
    first, second = (s["churn_probability"] for s in body["scores"])
    assert first > 0.5 > second


@pytest.mark.parametrize("body, message", [
    ({"rows": []}, "expected"),
    ({"customers": [{ID: 1}]}, "missing columns: " + ", ".join(FEATURES)),
    ({"customers": [{ID: 1, **{f: "x" for f in FEATURES}}]}, "features must be numbers"),
])
def test_a_bad_request_is_a_400_with_a_reason(url, body, message):
    status, reply = request(url, "/score", body)
    assert status == 400
    assert message in reply["error"]


def test_an_unknown_path_is_a_404(url):
    assert request(url, "/nope")[0] == 404
