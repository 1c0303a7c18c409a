"""churn: predict which customers are about to leave.

The package is the release artifact: the release image installs its wheel and nothing else.
"""

__version__ = "0.1.0"
