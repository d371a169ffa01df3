"""The best area fit any outlines could reach (issue 13's ±10 % / ±25 % goals), given only the
official areas and the land of each legacy province.

The communes drawn on one legacy province's grid add up to its land (area cannot pass between grids,
whose borders are Natural Earth's), and every 2025 commune lies on one grid (six remote island pieces
are drawn apart, their areas fixed). So the most communes within ±25 % while at least a share within
±10 % is a small mixed-integer programme over the inputs of `outlines.targets` (recorded by
`outlines.calibrate(inputs=...)`): one area per commune, two yes/no per commune (within ±10 %,
within ±25 %), one sum per grid. Solved exactly with scipy's HiGHS.
- `free`: any area at all (a commune may be squeezed to nothing): the loosest bound;
- `natural`: each commune moves from its official figure towards its first layout (what the extents
  alone give it) and never past it: what `outlines.targets` may choose from.

    python -m geo.bound [--only 08,22,82]   # runs the build (the whole country: ~5 min CPU)
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix


def best_pair(grids: list[dict], fixed: dict[str, float], floor_10: float = 0.90, natural: bool = False,
              near: float = 0.10, far: float = 0.25) -> dict:
    """Most communes within `far` of their figure with at least `floor_10` of them within `near`.

    `grids`: per grid {"codes", "official" (this grid's share of each figure, NaN unknown), "first",
    "land"}; `fixed`: km² of communes drawn off the grids."""
    codes = [v for g in grids for v in g["codes"]]
    off = np.concatenate([g["official"] for g in grids]) + np.array([fixed.get(v, 0.0) for v in codes])
    first = np.concatenate([g["first"] for g in grids])
    known = np.flatnonzero(~np.isnan(off))
    n, k = len(codes), len(known)
    lo, hi = np.zeros(n), np.full(n, np.inf)
    if natural:
        share = off - np.array([fixed.get(v, 0.0) for v in codes])
        lo[known] = np.minimum(share[known], first[known])
        hi[known] = np.maximum(share[known], first[known])
    # variables: area of each commune on its grid (n), within near (k), within far (k)
    rows, cols, vals, lower, upper = [], [], [], [], []
    at = 0
    for r, g in enumerate(grids):                  # a grid's communes add up to its land
        m = len(g["codes"])
        rows += [r] * m; cols += list(range(at, at + m)); vals += [1.0] * m
        lower.append(g["land"]); upper.append(g["land"])
        at += m
    r = len(grids)
    big = sum(g["land"] for g in grids)
    for i, c in enumerate(known):
        f = fixed.get(codes[c], 0.0)
        for j, w in ((n + i, near), (n + k + i, far)):
            # area + f <= (1 + w) o + big (1 - y);  area + f >= (1 - w) o y
            rows += [r, r, r + 1, r + 1]; cols += [c, j, c, j]; vals += [1.0, big, 1.0, -(1 - w) * off[c]]
            lower += [-np.inf, -f]; upper += [(1 + w) * off[c] + big - f, np.inf]
            r += 2
        rows += [r, r]; cols += [n + i, n + k + i]; vals += [1.0, -1.0]   # within near => within far
        lower.append(-np.inf); upper.append(0.0)
        r += 1
    rows += [r] * k; cols += list(range(n, n + k)); vals += [1.0] * k
    lower.append(np.ceil(floor_10 * k)); upper.append(np.inf)
    a = coo_matrix((vals, (rows, cols)), shape=(r + 1, n + 2 * k)).tocsr()
    cost = np.concatenate([np.zeros(n + k), -np.ones(k)])
    res = milp(cost, constraints=LinearConstraint(a, lower, upper), integrality=np.r_[np.zeros(n), np.ones(2 * k)],
               bounds=Bounds(np.r_[lo, np.zeros(2 * k)], np.r_[hi, np.ones(2 * k)]), options={"time_limit": 600})
    if res.x is None:
        return {"n": k, "feasible": False}
    y = np.round(res.x[n:])
    return {"n": k, "feasible": True, "optimal": res.status == 0, "within_10": float(y[:k].mean()),
            "within_25": float(y[k:].mean())}


def main(argv: list[str] | None = None) -> None:
    import argparse

    import geopandas as gpd

    from geo import build, layers
    a = argparse.ArgumentParser(prog="python -m geo.bound", description=__doc__.splitlines()[0])
    a.add_argument("--only", help="2025 province codes, comma-separated (a quick check of a few)")
    only = a.parse_args(argv).only
    info: dict = {}
    build.build_layers(gpd.read_parquet(layers.GEO_DIR / "layers" / "provinces_ne.parquet"), simplify=False, info=info,
                       only=set(only.split(",")) if only else None)
    grids, fixed = info["target_inputs"], info["fixed_km2"]
    for natural in (False, True):
        for floor in (0.90, 0.92):
            got = best_pair(grids, fixed, floor, natural)
            print(f"{'natural' if natural else 'free'}, within ±10 % >= {floor:.0%}: "
                  + (f"within ±25 % at most {got['within_25']:.2%} (±10 % {got['within_10']:.2%}) of {got['n']}"
                     if got["feasible"] else "infeasible"))


if __name__ == "__main__":
    main()
