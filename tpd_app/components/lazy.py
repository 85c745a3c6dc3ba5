"""Components drawn only when the reader gets to them (plotly charts below the fold)."""

from __future__ import annotations

import reflex as rx


class WhenVisible(rx.Component):
    """Renders its children once its box nears the viewport (IntersectionObserver), then keeps them.

    The box keeps `min_height` meanwhile, so the page does not jump; the tables beside the charts
    always render, so every number is on the page from the start.
    """

    library = rx.asset("when_visible.jsx", shared=True).importable_path
    tag = "WhenVisible"

    min_height: rx.Var[str]
    margin: rx.Var[str]


when_visible = WhenVisible.create
