"""The evaluation's statistics, computed with NumPy and SciPy from arrays of answers.

``data`` holds the inputs, ``scoring`` the scale scores, ``statistics`` the
descriptive figures, paired change and suppression, ``reliability`` alpha,
and ``evaluation.analyse`` puts them together for one evaluation.
"""

from interagency.evaluation.analysis.evaluation import EvaluationResults, analyse

__all__ = ["EvaluationResults", "analyse"]
