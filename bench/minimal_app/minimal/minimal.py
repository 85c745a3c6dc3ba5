"""The smallest Reflex app bench/load.py compares against: one state, one on_load handler, every path."""

import reflex as rx


class S(rx.State):
    count: int = 0

    @rx.event
    def load(self):
        self.count += 1


def page() -> rx.Component:
    return rx.text(S.count)


app = rx.App()
app.add_page(page, route="/[[...splat]]", on_load=S.load)
