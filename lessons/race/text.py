"""What the race says: what "reached" means, the results table, the verdict, notes on runs that left the window."""
from __future__ import annotations

import math

import numpy as np

from engine import tuning
from lessons.race.figures import last_step


def goal(surface, tol: float) -> str:
    """What 'reached' means on this surface, in words (tuning.steps_to_goal is the test)."""
    if surface.min_value is None:
        return "f < −1 (escaped the saddle)"
    return f"f − f* < {tol:g}"


def reached_column(surface, tol: float) -> str:
    return f"stays at {goal(surface, tol)} from step"


def summary(surface, runs: dict, tol: float, used: dict) -> list[dict]:
    """One row per run: its hyperparameters, final loss, distance to the nearest minimum (or the saddle point),
    and the step from which it stays at the goal to the end (a run that only touches it once has not reached it)."""
    saddle = surface.min_value is None
    targets = np.array(surface.minima or [(0.0, 0.0)], dtype=np.float64)
    column = reached_column(surface, tol)
    rows = []
    for label, traj in runs.items():
        hyper = used[label]
        heavy_ball = traj.optimizer in ("momentum", "nesterov")
        row = {"optimizer": label, "learning rate": hyper["lr"],
               "momentum β": hyper["momentum"] if heavy_ball else None, "final f": float(traj.loss[-1])}
        if not saddle:
            row["final f − f*"] = max(float(traj.loss[-1]) - surface.min_value, 0.0) if not traj.diverged else math.nan
        distance = "distance to the saddle point" if saddle else "distance to the nearest minimum"
        row[distance] = float(np.min(np.hypot(*(traj.xy[-1] - targets).T))) if not traj.diverged else math.nan
        settled = tuning.steps_to_goal(traj.loss, surface.min_value, tol)
        row[column] = settled
        row["status"] = _status(traj, settled, saddle)
        rows.append(row)
    return rows


def _status(traj, settled, saddle: bool) -> str:
    if traj.diverged and saddle and settled is not None:
        return f"escaped (ran off towards −∞ at step {traj.diverged_step})"
    if traj.diverged:
        return f"diverged at step {traj.diverged_step}"
    return "reached" if settled is not None else "not reached"


def verdict(rows: list[dict], surface, tol: float, steps: int) -> str:
    """One sentence on the race from summary() rows: who settled at the goal first, who did not, who diverged."""
    column = reached_column(surface, tol)
    done = sorted((r[column], r["optimizer"]) for r in rows if r[column] is not None)
    parts = []
    if done:
        by_step = {}
        for t, n in done:                        # a tie is one place: "adam and rmsprop (step 1)"
            by_step.setdefault(t, []).append(f"**{n}**")
        parts.append(f"First to settle at {goal(surface, tol)}: "
                     + ", then ".join(f"{' and '.join(names)} (step {t})" for t, names in by_step.items()) + ".")
    short = [r["optimizer"] for r in rows if r[column] is None and not r["status"].startswith("diverged")]
    if short:
        parts.append(f"Not settled there after {steps} steps: {', '.join(short)}.")
    blown = [r["optimizer"] for r in rows if r["status"].startswith("diverged")]
    if blown:
        parts.append(f"Diverged: {', '.join(blown)}.")
    return " ".join(parts)


def tuned_note(tuned: dict) -> str:
    """Markdown: the learning rate (and beta) the sweep chose for each run, and how many it tried."""
    parts = []
    for label, t in tuned.items():
        beta = "" if t.momentum is None else f", β = {t.momentum:g}"
        parts.append(f"**{label}**: lr = {t.lr:g}{beta} ({len(t.sweep)} settings tried)")
    return ("Tuned: each run got the learning rate" + (" and β" if any(t.momentum is not None for t in tuned.values())
            else "") + " that settles at the goal first on this very race (a log grid, 4 per decade from 1e-4 to "
            "10, then refined around the best). " + "; ".join(parts) + ".")


def notes(surface, runs: dict) -> list[str]:
    """Sentences about runs that diverged or left the plotted window (nothing garbage is drawn)."""
    (x0, x1), (y0, y1) = surface.bounds
    out = []
    for traj in runs.values():
        last = last_step(traj)
        if traj.diverged and surface.min_value is None:
            out.append(f"**{traj.label}** ran off to infinity at step {traj.diverged_step}: f = x² − y² has no "
                       f"minimum, so following the gradient sends y → ±∞. Its lines stop at step {last}.")
        elif traj.diverged:
            out.append(f"**{traj.label}** diverged at step {traj.diverged_step}: its position left |x|, |y| ≤ 10⁶ "
                       f"or its loss overflowed. Its lines stop at step {last}; try a smaller learning rate "
                       "or clip the gradient.")
        else:
            px, py = traj.xy[last]
            if not (x0 <= px <= x1 and y0 <= py <= y1):
                how = "escaped the saddle and " if surface.min_value is None else ""
                out.append(f"**{traj.label}** {how}ends outside the plotted window, at ({px:.3g}, {py:.3g}).")
    return out


INTRO = ("Several optimizers start from the same point of a 2-D loss surface and take the same number of steps. "
         "**Watch their paths on the contour map** (press ▶ Play to replay the race): plain SGD zig-zags across a "
         "narrow valley or crawls along it, momentum overshoots and swings back, Adam and RMSprop rescale each "
         "coordinate. The loss chart and the table say who got closest — and who blew up.")


def bowl_note(lr: float, kappa: float) -> tuple[str, str]:
    """(markdown, LaTeX): why plain SGD is slow on the bowl, with this learning rate and condition number."""
    md = (f"On the bowl the curvatures are 1 (steep) and 1/κ = {1 / kappa:.3g} (flat). Each SGD step multiplies "
          f"the steep coordinate by 1 − η = {1 - lr:.3g} ({'it flips sign: zig-zag' if lr > 1 else 'no sign flip'}"
          f"{', and grows: divergence' if lr > 2 else ''}) and the flat one by 1 − η/κ = {1 - lr / kappa:.4g}: "
          "the flat direction sets the pace, and η cannot exceed 2 to fix it.")
    latex = (rf"w_t^{{\text{{steep}}}} = (1-\eta)^t\,w_0,\qquad w_t^{{\text{{flat}}}} = (1-\eta/\kappa)^t\,w_0,"
             rf"\qquad \eta = {lr:g},\ \kappa = {kappa:g}")
    return md, latex


def ema_text(beta: float, betas: tuple) -> tuple[str, str, str, str]:
    """(markdown, LaTeX, markdown, LaTeX) of the EMA panel: the bias of m_0 = 0, Adam's correction, lecture momentum."""
    b1, b2 = betas
    first = (f"Momentum and Adam average past gradients with an EMA. Started at m₀ = 0, its weights sum to "
             f"1 − βᵗ, so early values are too small: at t = 1, m₁ = {1 - beta:.3g}·g₁. Adam divides by 1 − βᵗ to "
             f"undo it. Adam's v (of g²) starts near 0 as well, so without the correction its first step is "
             f"(1 − β₁)/√(1 − β₂) = {(1 - b1) / (1 - b2) ** 0.5:.3g} times the corrected one (β₁ = {b1:g}, "
             f"β₂ = {b2:g}).")
    rule = (r"m_t = \beta\,m_{t-1} + (1-\beta)\,g_t = (1-\beta)\sum_{k=1}^{t}\beta^{t-k}g_k,\qquad"
            rf"\hat m_t = \frac{{m_t}}{{1-\beta^t}},\qquad \beta = {beta:g}")
    lecture = ("The lecture's momentum, v = βv + (1−β)g and w −= αv, is torch's momentum (buf = β·buf + g, "
               "w −= lr·buf) with **lr = α(1 − β)**, exactly at every step when v₀ = 0 and torch's dampening is 0 "
               "(its default): torch's first step buf₁ = g₁ is just what buf₀ = 0 gives. (torch with dampening = β "
               "and lr = α instead equals the lecture form started from v₀ = g₁.)")
    equal = (rf"v_t = (1-\beta)\,\mathrm{{buf}}_t \;\Rightarrow\; \alpha\,v_t = \alpha(1-\beta)\,\mathrm{{buf}}_t,"
             rf"\qquad \beta = {beta:g}:\ \alpha = 0.1 \leftrightarrow \mathrm{{lr}} = {0.1 * (1 - beta):.4g}")
    return first, rule, lecture, equal


def rule(name: str, lines: tuple[str, ...]) -> str:
    """An optimizer's update rule (the engine's own lines, in the order its code runs) as one aligned block."""
    return r"\begin{aligned}&\textbf{" + name + r"}\text{, each step:}\\ &" + r"\\ &".join(lines) + r"\end{aligned}"


def loss_csv(runs: dict) -> str:
    """f at every step of every run, one column per run (empty after a divergence): the numbers the charts show."""
    import pandas as pd
    table = pd.DataFrame({"step": np.arange(len(next(iter(runs.values())).loss))})
    for label, traj in runs.items():
        table[f"{label}: f"] = traj.loss
        table[f"{label}: x"], table[f"{label}: y"] = traj.xy[:, 0], traj.xy[:, 1]
    return table.to_csv(index=False)


def first_to_settle(surface, runs: dict, tol: float) -> str:
    """The label of the run that settles at the goal first ("none of them" if none does): a prediction's answer."""
    settled = [(tuning.steps_to_goal(t.loss, surface.min_value, tol), label) for label, t in runs.items()]
    done = sorted((step, label) for step, label in settled if step is not None)
    return done[0][1] if done else "none of them"
