"""Fitting the weights of the signals: a penalised conditional logit, by Newton's method.

The weights are learned on questions whose answers are known (projects of an earlier year,
ranked from the record before them), never on the period the evaluation scores. Each question
gives its true organisations and a fixed, seeded sample of the others; features are the
logarithms of the signal counts, so that a weight says how much more likely an organisation is
chosen when that evidence doubles.
"""

from __future__ import annotations

import numpy as np

from bilat.bridges.evidence import Floats

ITERATIONS = 30
PENALTY = 1.0


def features(signals: dict[str, Floats], names: tuple[str, ...]) -> Floats:
    """The feature matrix (organisations by signals): log(1 + count)."""
    return np.log1p(np.column_stack([signals[name] for name in names]))


def fit_choice(groups: list[tuple[Floats, np.ndarray]], *, penalty: float = PENALTY) -> Floats:
    """Weights of a conditional logit: in each group (the candidates of one question), the
    true organisations are the ones chosen among the others.

    This fits what a ranking needs (the true ones above the rest of the same question) rather
    than a probability for every organisation on its own. Newton steps, halved until the
    penalised log-likelihood improves.
    """
    size = groups[0][0].shape[1]
    weights = np.zeros(size)
    loss = _choice_loss(groups, weights, penalty)
    for _ in range(ITERATIONS):
        gradient = penalty * weights
        hessian = penalty * np.eye(size)
        for x, chosen in groups:
            p = _softmax(x @ weights)
            mean = p @ x
            count = chosen.sum()
            gradient = gradient - (x[chosen].sum(axis=0) - count * mean)
            hessian = hessian + count * ((x * p[:, None]).T @ x - np.outer(mean, mean))
        step = np.linalg.solve(hessian, gradient)
        scale = 1.0
        while scale > 1e-4:
            trial = weights - scale * step
            trial_loss = _choice_loss(groups, trial, penalty)
            if trial_loss <= loss:
                break
            scale /= 2
        else:
            break
        weights, loss = trial, trial_loss
        if np.abs(scale * step).max() < 1e-7:
            break
    return weights


def _softmax(values: Floats) -> Floats:
    shifted: Floats = np.exp(values - values.max())
    total = float(shifted.sum())
    return shifted / total


def _choice_loss(groups: list[tuple[Floats, np.ndarray]], weights: Floats, penalty: float) -> float:
    total = 0.5 * penalty * float(weights @ weights)
    for x, chosen in groups:
        values = x @ weights
        top = values.max()
        total -= float((values[chosen] - top - np.log(np.exp(values - top).sum())).sum())
    return total
