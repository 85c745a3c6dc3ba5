"""Design tokens: the only place colours, spacing and sizes are chosen."""

ACCENT = "teal"
HEADER_BG = "var(--teal-9)"
HEADER_FG = "white"
SIDEBAR_BG = "var(--gray-2)"
SIDEBAR_WIDTH = "16rem"
PAGE_MAX_WIDTH = "72rem"
BORDER = "1px solid var(--gray-5)"
RADIUS = "var(--radius-3)"
MUTED = "var(--gray-11)"
ERROR = "var(--red-11)"
OK_TEXT = "var(--green-11)"
#: Intents: the Radix colour scale of a badge, button or callout says what kind of thing it is.
OK = "green"
DANGER = "red"
WARN = "amber"
CAUTION = "orange"
INFO = "blue"
NEUTRAL = "gray"
SPACE_1 = "0.5rem"
SPACE_2 = "1rem"
SPACE_3 = "1.5rem"
SPACE_4 = "2rem"
FONT_STACK = (
    '"Noto Sans TC", "PingFang TC", "Microsoft JhengHei", "Heiti TC", system-ui, sans-serif'
)
