"""The columns the model reads, in one place for the loader, the model and the tests."""

ID = "customer_id"
FEATURES = ["tenure_months", "monthly_charges", "support_calls", "on_monthly_contract"]
LABEL = "churned"
PROBABILITY = "churn_probability"
