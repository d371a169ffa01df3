"""A view is one value: what a page shows, read once from its widgets (which keep it in the URL).

The chart, its export, its slide and its cache key all come from the same `View`; a second map
beside the first is `view.replace(period=..., ...)`. Frozen, hashable, plain values only (no
Streamlit here), so `params()` is the figure-cache key as it is.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from cnscd.unitref import UnitRef


@dataclasses.dataclass(frozen=True)
class View:
    lang: str
    period: dt.date                  # the month end shown
    version: str                     # boundary version of `period` ('legacy' | '2025')
    indicator: str                   # indicator code
    unit: UnitRef | None = None      # the province drilled into; None = the nation
    level: str = "province"          # level drawn: province | district | commune
    measure: str = "abs"             # abs | per_1000 | pct_target | change ...
    base: dt.date | None = None      # base month of a 'change' measure
    scheme: str = "quantiles"        # class scheme of a map
    k: int = 5                       # number of classes
    # class edges shared with another map (two periods side by side: same colour = same value);
    # None = the map's own classes from its own values (cnscd.views.mapdata.shared_breaks)
    shared_breaks: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if self.unit is not None and self.unit.version != self.version:
            raise ValueError(f"View: unit {self.unit} is not of version {self.version!r} / "
                             f"đơn vị {self.unit} không thuộc phiên bản {self.version!r}")

    @property
    def province(self) -> str | None:
        """The province code drilled into, None for the nation."""
        return None if self.unit is None else self.unit.code

    def replace(self, **changes: Any) -> "View":
        return dataclasses.replace(self, **changes)

    def params(self) -> dict[str, Any]:
        """Plain values naming the view (a cache key, a file name's parts)."""
        return {"lang": self.lang, "period": self.period.isoformat(), "version": self.version,
                "indicator": self.indicator, "unit": None if self.unit is None else str(self.unit),
                "level": self.level, "measure": self.measure,
                "base": None if self.base is None else self.base.isoformat(), "scheme": self.scheme, "k": self.k,
                "shared_breaks": self.shared_breaks}
