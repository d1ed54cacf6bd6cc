"""One widget for one setting of an experiment, built from its `Param`.

The widget's kind (a select, a multiselect, a toggle, a number box or a text box), its
choices, step and help come from the setting's declaration (tflab.spec), so the numbers
live in one place; its label and help are the catalog's (`setting.<name>`), said in the
reader's language. Build's sections, its layer rows and the Sweep tab use it.

Example:

>>> shown_decimals(Param("learning_rate", 0.001, "", step=0.0001), 0.001)
4
>>> widget = param_input(Param("epochs", 20, "", low=1), 20, key="v1.fit.epochs")  # doctest: +SKIP
"""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

from components.language import say, t
from tflab.spec import Param


def shown_decimals(p: Param, value: float) -> int:
    """Decimals a float setting is shown with: those of its step (0.01 when none), or as many
    as three significant digits of a smaller value need, so 1/255 does not read 0.00.

    Example:

    >>> shown_decimals(Param("rescale", 1.0, "", step=0.01), 1 / 255)
    5
    """
    decimals = max(0, -int(f"{p.step or 0.01:e}".split("e")[1]))
    if value and round(value, decimals) != value:
        decimals = max(decimals, min(8, 2 - math.floor(math.log10(abs(value)))))
    return decimals


def param_input(p: Param, value: Any, key: str, label: str | None = None) -> Any:
    """One widget for one setting; its kind, bounds, label and help come from the Param."""
    label = label or say(p.label)
    hint = say(p.help)
    if p.multiple:
        return tuple(st.multiselect(label, list(p.choices), default=list(value), key=key, help=hint,
                                    placeholder=t("common.choose")))
    if p.choices is not None:
        options = list(p.choices)
        return st.selectbox(label, options, index=options.index(value) if value in options else 0,
                            key=key, help=hint)
    if p.type is bool:
        return st.toggle(label, value=bool(value), key=key, help=hint)
    # Number boxes carry no bounds: a box with a max refuses a typed 50 in the browser (red,
    # and the page never hears of it), so the experiment kept the old value and Train stayed
    # on. Without them every value reaches the spec's own check, which names the setting,
    # what it received and what it allows, and keeps Train off.
    if p.type is int:
        return int(st.number_input(label, value=int(value), step=1, key=key, help=hint))
    if p.type is float:
        decimals = shown_decimals(p, float(value))
        return float(st.number_input(label, value=float(value), step=float(p.step or 0.01),
                                     format=f"%.{decimals}f", key=key, help=hint))
    return st.text_input(label, value=str(value), key=key, help=hint)
