"""Item analysis, as R's psych::alpha gives it: alpha, its Feldt interval, and item statistics.

Everything here works from an item covariance matrix (pairwise-complete, n - 1
denominator, reverse-keyed items already turned round) and a count of people, so it
never sees a row. The F quantile behind the Feldt interval comes from the inverse of
the regularised incomplete beta function, worked out here in pure Python.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

Matrix = Sequence[Sequence[float]]

CONFIDENCE = 0.95
"""The confidence level of the interval around alpha."""

_EPSILON = 1e-16
_TINY = 1e-300
_MAX_TERMS = 100_000


@dataclass(frozen=True)
class ItemReliability:
    """One item's part in its scale: psych::alpha's r.drop and alpha.drop raw_alpha."""

    r_drop: float | None
    """The corrected item-total correlation: the item against the sum of the others."""
    alpha_if_dropped: float | None
    """Raw alpha of the other items, as if this one were left out."""


@dataclass(frozen=True)
class Reliability:
    """A scale's raw alpha, its 95% Feldt interval, and each item's statistics."""

    alpha: float | None
    lower: float | None
    upper: float | None
    n_obs: int
    items: tuple[ItemReliability, ...]


def raw_alpha(cov: Matrix) -> float | None:
    """Raw Cronbach's alpha from an item covariance matrix, or None when it has no meaning."""
    k = len(cov)
    if k < 2:
        return None
    total = math.fsum(math.fsum(row) for row in cov)
    if total <= 0:
        return None
    trace = math.fsum(cov[i][i] for i in range(k))
    return (k / (k - 1)) * (1 - trace / total)


def _without(cov: Matrix, drop: int) -> list[list[float]]:
    kept = [i for i in range(len(cov)) if i != drop]
    return [[cov[i][j] for j in kept] for i in kept]


def item_rest_correlation(cov: Matrix, item: int) -> float | None:
    """The correlation of an item with the sum of the other items (psych's r.drop)."""
    rest = math.fsum(math.fsum(row) for row in _without(cov, item))
    together = math.fsum(cov[item]) - cov[item][item]
    variance = cov[item][item]
    if len(cov) < 2 or variance <= 0 or rest <= 0:
        return None
    return together / math.sqrt(variance * rest)


def alpha_if_dropped(cov: Matrix, item: int) -> float | None:
    """Raw alpha of the scale without one item (psych's alpha.drop raw_alpha)."""
    return raw_alpha(_without(cov, item))


def analyse(cov: Matrix | None, n_obs: int) -> Reliability:
    """Alpha, its Feldt interval and each item's statistics; n_obs counts every person given.

    psych::alpha counts every row it is given in n.obs, including rows with items, or
    all items, missing; the interval here does the same, so the two agree.
    """
    if cov is None:
        return Reliability(alpha=None, lower=None, upper=None, n_obs=n_obs, items=())
    alpha = raw_alpha(cov)
    interval = feldt_interval(alpha, n_obs, len(cov)) if alpha is not None else None
    items = tuple(
        ItemReliability(
            r_drop=item_rest_correlation(cov, i),
            alpha_if_dropped=alpha_if_dropped(cov, i) if len(cov) > 2 else None,
        )
        for i in range(len(cov))
    )
    return Reliability(
        alpha=alpha,
        lower=interval[0] if interval else None,
        upper=interval[1] if interval else None,
        n_obs=n_obs,
        items=items,
    )


def feldt_interval(
    alpha: float, n_obs: int, n_items: int, level: float = CONFIDENCE
) -> tuple[float, float] | None:
    """Feldt's confidence interval for alpha, as psych::alpha.ci gives it; None below 2 of each.

    lower = 1 - (1 - alpha) * F(1 - p/2), upper = 1 - (1 - alpha) * F(p/2), where F is the
    quantile of the F distribution with n_obs - 1 and (n_obs - 1)(n_items - 1) degrees
    of freedom and p = 1 - level.
    """
    if n_obs < 2 or n_items < 2:
        return None
    df1 = n_obs - 1
    df2 = (n_obs - 1) * (n_items - 1)
    tail = (1 - level) / 2
    lower = 1 - (1 - alpha) * f_quantile(1 - tail, df1, df2)
    upper = 1 - (1 - alpha) * f_quantile(tail, df1, df2)
    return lower, upper


def measurement_error(sd: float | None, alpha: float | None) -> float | None:
    """The standard error of measurement, sd * sqrt(1 - alpha), on the scale of the sd given.

    None when alpha is missing or outside 0 to 1, where the formula means nothing.
    """
    if sd is None or alpha is None or not 0 <= alpha <= 1:
        return None
    return sd * math.sqrt(1 - alpha)


@functools.lru_cache(maxsize=64)
def f_quantile(p: float, df1: float, df2: float) -> float:
    """The p quantile of the F distribution with df1 and df2 degrees of freedom (R's qf).

    Kept for each p and degrees of freedom: a team's competencies with the same number of
    statements share them, and each costs hundreds of terms of a continued fraction."""
    if not 0 < p < 1 or df1 <= 0 or df2 <= 0:
        raise ValueError("f_quantile needs 0 < p < 1 and positive degrees of freedom")
    # If X ~ F(df1, df2), then df1 X / (df1 X + df2) ~ Beta(df1 / 2, df2 / 2).
    x = inverse_regularised_beta(p, df1 / 2, df2 / 2)
    return df2 * x / (df1 * (1 - x))


def regularised_beta(x: float, a: float, b: float) -> float:
    """The regularised incomplete beta function I_x(a, b)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(_log_front(x, a, b))
    # The continued fraction converges fast below the mean; use the symmetry above it.
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(x, a, b) / a
    return 1 - front * _beta_fraction(1 - x, b, a) / b


def _log_front(x: float, a: float, b: float) -> float:
    log_beta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    return a * math.log(x) + b * math.log1p(-x) - log_beta


def _beta_fraction(x: float, a: float, b: float) -> float:
    """The continued fraction for I_x(a, b), by the modified Lentz method."""
    qab, qap, qam = a + b, a + 1, a - 1
    c = 1.0
    d = 1 - qab * x / qap
    d = 1 / (d if abs(d) > _TINY else _TINY)
    result = d
    for m in range(1, _MAX_TERMS):
        m2 = 2 * m
        for numerator in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1 + numerator * d
            d = 1 / (d if abs(d) > _TINY else _TINY)
            c = 1 + numerator / c
            c = c if abs(c) > _TINY else _TINY
            step = d * c
            result *= step
        if abs(step - 1) < _EPSILON:
            return result
    raise ArithmeticError("the incomplete beta fraction did not converge")  # pragma: no cover


def inverse_regularised_beta(p: float, a: float, b: float) -> float:
    """The x in (0, 1) with I_x(a, b) = p: Newton's method, kept inside a shrinking bracket."""
    if not 0 < p < 1:
        raise ValueError("inverse_regularised_beta needs 0 < p < 1")
    low, high = 0.0, 1.0
    x = a / (a + b)  # the mean: a good start, and always inside the bracket
    log_beta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    for _ in range(400):
        error = regularised_beta(x, a, b) - p
        if error == 0:
            return x
        if error < 0:
            low = x
        else:
            high = x
        density = math.exp((a - 1) * math.log(x) + (b - 1) * math.log1p(-x) - log_beta)
        step = error / density if density > 0 else math.inf
        candidate = x - step
        if not low < candidate < high:
            candidate = (low + high) / 2  # Newton left the bracket: halve it instead
        if abs(candidate - x) <= 4 * _EPSILON * max(x, _TINY) or high - low <= _TINY:
            return candidate
        x = candidate
    return x  # pragma: no cover
