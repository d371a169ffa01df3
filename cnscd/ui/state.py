"""The view's state lives in the URL (st.query_params), so a copied link reopens the same view.

Shared names: `lang`, `ind` (indicator code), `period` (YYYY-MM), `units` (comma list of unit
references), `unit` (one unit, e.g. a drilled-into province), `measure`, `mode`, `base`, `level`.
A unit reference carries its boundary version: `2025:82`, `legacy:87`, `VN` (cnscd.unitref parses and
writes it; cnscd.ui.unit_picker reads an old link's bare code and carries a unit across the reform).
A page may add its own names. The page itself is the URL path (st.navigation).

Reading order: URL > this session's last value > default. Every value a page shows is
written back to the URL. A page switch can drop the query string, so `restore()` (called by
app.py on every run) puts the session's values back: the link keeps its state across pages.

Widgets are seeded through st.session_state on every run (no `index=`/`default=` passed), so the
URL drives them without Streamlit's "default and session state" warning; a user's change reaches
the URL in the widget's on_change callback, before the rerun reads it. A value that is valid on
another page but not here (say an indicator this page does not offer) is shown as the default
but left in the URL for the other pages; a bad value from a link gets a vi/en warning.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import streamlit as st

from cnscd.text import DEFAULT_LANG, LANGS, both

_STORE = "_cnscd_view"          # session_state key: {name: str} last values of this session
_WARNED = "_cnscd_bad_params"   # names already warned about in this session
_WHERE = "_cnscd_view_page"     # session_state key: {name: page script hash} where a value was last set
LIST_SEP = ","


def _store() -> dict[str, str]:
    return st.session_state.setdefault(_STORE, {})


def raw(name: str) -> str | None:
    """The URL value, else the session's last value, as text (None if neither)."""
    qp = st.query_params
    if name in qp:
        return qp[name]
    return _store().get(name)


def _page() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.page_script_hash if ctx else ""


def put(name: str, value: Any) -> None:
    """Record a value in the URL and the session; None removes it (an empty list stays, as `name=`,
    so a cleared multiselect is not refilled with its defaults)."""
    text = encode(value)
    store = _store()
    if text is None:
        store.pop(name, None)
        if name in st.query_params:
            del st.query_params[name]
        return
    store[name] = text
    st.session_state.setdefault(_WHERE, {})[name] = _page()
    if st.query_params.get(name) != text:
        st.query_params[name] = text


def encode(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return LIST_SEP.join(str(v) for v in value)
    return str(value)


def restore() -> None:
    """Put this session's values back into the URL after a page switch dropped them: in one update, so the
    browser gets one new URL (each `st.query_params[name] = …` sends the whole query string again)."""
    qp = st.query_params
    missing = {name: text for name, text in _store().items() if name not in qp}
    if missing:
        qp.update(missing)


def warn_bad(name: str, value: str) -> None:
    """Bad input from a link: say what and where, in both languages, once per session."""
    warned = st.session_state.setdefault(_WARNED, set())
    if (name, value) in warned:
        return
    warned.add((name, value))
    st.warning(both("bad_param", name=name, value=value))


def get(name: str, options: Sequence[Any], default: Any) -> Any:
    """The state value if it is one of `options` (compared as text), else `default` (warning once)."""
    text = raw(name)
    if text is None:
        return default
    by_text = {str(o): o for o in options}
    if text in by_text:
        return by_text[text]
    _complain(name, text)
    return default


def _settle(name: str, value: Any) -> None:
    """After a widget: write its value to the URL, except when the page fell back from a value this
    session chose on another page (e.g. an indicator this page does not offer): that value stays in
    the URL for the pages that offer it. On the page that set it, the fallback replaces it."""
    text, shown = raw(name), encode(value)
    set_elsewhere = st.session_state.get(_WHERE, {}).get(name, _page()) != _page()
    if text is not None and text != shown and text == _store().get(name) and set_elsewhere:
        return
    put(name, value)


def _complain(name: str, text: str) -> None:
    """Warn about a value from a link; a value this session set on another page (where it was valid,
    e.g. a base period outside this page's range) falls back to the default silently."""
    if _store().get(name) != text:
        warn_bad(name, text)


def get_list(name: str, options: Sequence[Any], default: Sequence[Any]) -> list[Any]:
    text = raw(name)
    if text is None:
        return list(default)
    by_text = {str(o): o for o in options}
    items = [s for s in text.split(LIST_SEP) if s]
    good = [by_text[s] for s in items if s in by_text]
    bad = [s for s in items if s not in by_text]
    if bad:
        _complain(name, text)
    return good if good or not items else list(default)


def lang() -> str:
    text = raw("lang")
    return text if text in LANGS else DEFAULT_LANG


def _seed(key: str, value: Any) -> None:
    # Unconditional: after a page switch the same key belongs to a new widget that would otherwise
    # start from its first option.
    st.session_state[key] = value


def _on_change(name: str, wkey: str, convert: Callable[[Any], Any] = lambda v: v) -> dict:
    """Widget kwargs that copy a user's change into the URL before the script reruns (otherwise the
    rerun would read the old URL value and seed the widget back to it)."""
    return {"on_change": lambda: put(name, convert(st.session_state.get(wkey)))}


def select(name: str, label: str, options: Sequence[Any], default: Any, *,
           format_func: Callable[[Any], str] = str, kind: str = "selectbox",
           container: Any = None, key: str | None = None, **kwargs: Any) -> Any:
    """A single-choice widget bound to URL state `name`.

    kind: 'selectbox' | 'radio' | 'segmented' | 'select_slider'. Returns the chosen option.
    """
    options = list(options)
    if not options:
        return None
    if default not in options:
        default = options[0]
    value = get(name, options, default)
    wkey = key or f"w_{name}"
    _seed(wkey, value)
    cb = _on_change(name, wkey)
    where = container or st
    if kind == "radio":
        chosen = where.radio(label, options, format_func=format_func, key=wkey, **cb, **kwargs)
    elif kind == "segmented":
        chosen = where.segmented_control(label, options, format_func=format_func, key=wkey,
                                         required=True, **cb, **kwargs)
    elif kind == "select_slider":
        chosen = where.select_slider(label, options, format_func=format_func, key=wkey, **cb, **kwargs)
    else:
        chosen = where.selectbox(label, options, format_func=format_func, key=wkey, **cb, **kwargs)
    chosen = value if chosen is None else chosen
    _settle(name, chosen)
    return chosen


def multiselect(name: str, label: str, options: Sequence[Any], default: Sequence[Any], *,
                format_func: Callable[[Any], str] = str, container: Any = None,
                key: str | None = None, **kwargs: Any) -> list[Any]:
    options = list(options)
    value = get_list(name, options, [d for d in default if d in options])
    wkey = key or f"w_{name}"
    _seed(wkey, value)
    where = container or st
    chosen = where.multiselect(label, options, format_func=format_func, key=wkey,
                               **_on_change(name, wkey, lambda v: list(v or [])), **kwargs)
    _settle(name, list(chosen))
    return list(chosen)


def toggle(name: str, label: str, default: bool = False, *, container: Any = None,
           key: str | None = None, **kwargs: Any) -> bool:
    value = get(name, ["1", "0"], "1" if default else "0") == "1"
    wkey = key or f"w_{name}"
    _seed(wkey, value)
    chosen = (container or st).toggle(label, key=wkey, **_on_change(name, wkey, lambda v: "1" if v else "0"),
                                      **kwargs)
    _settle(name, "1" if chosen else "0")
    return bool(chosen)


def number(name: str, label: str, default: float, *, min_value: float, max_value: float,
           step: float, container: Any = None, key: str | None = None, **kwargs: Any) -> float:
    text = raw(name)
    try:
        value = float(text) if text is not None else float(default)
        if not (min_value <= value <= max_value):
            raise ValueError(text)
    except ValueError:
        warn_bad(name, str(text))
        value = float(default)
    wkey = key or f"w_{name}"
    _seed(wkey, value)
    chosen = (container or st).number_input(label, min_value=float(min_value), max_value=float(max_value),
                                            step=float(step), key=wkey,
                                            **_on_change(name, wkey, lambda v: _num_text(v)), **kwargs)
    _settle(name, _num_text(chosen))
    return float(chosen)


def _num_text(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)
