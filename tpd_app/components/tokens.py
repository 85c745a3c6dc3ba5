"""Design tokens: the only place colours, spacing and sizes are chosen."""

ACCENT = "teal"
#: White on this teal is 6.1:1 (Radix teal-9 was 3.1:1, below WCAG AA).
HEADER_BG = "#0b6e62"
HEADER_FG = "white"
SIDEBAR_BG = "var(--gray-2)"
SIDEBAR_WIDTH = "16rem"
PAGE_MAX_WIDTH = "72rem"
BORDER = "1px solid var(--gray-5)"
RADIUS = "var(--radius-3)"
MUTED = "var(--gray-11)"
ERROR = "var(--red-11)"
OK_TEXT = "var(--green-11)"
WARN_TEXT = "var(--amber-12)"
#: A quiet panel behind a block that stands apart (what changed in a rule document).
SUBTLE_BG = "var(--gray-2)"
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

#: Radix's step-11 text colours (links, soft badges, callouts) sit just under WCAG AA's 4.5:1 on their own
#: step-3 backgrounds and on the sidebar's gray-2 (teal 4.1, green 4.3, amber 4.2, blue 4.3, orange 4.0).
#: The same hues a little darker: each at least 4.7:1 on its step-3 background and on white.
TEXT_11 = {
    "teal": "#00705f",
    "green": "#15724a",
    "amber": "#935400",
    "blue": "#0a64b4",
    "orange": "#a84100",
    "red": "#c0282d",
}


#: Solid buttons, checkboxes and progress bars: white on Radix's step 9 is 2.9-3.9:1 for these hues. Each
#: pair (step 9, its hover step 10) keeps the hue and gives white text at least 5.2:1.
SOLID_9_10 = {
    "teal": ("#0d7a6d", "#0b6e62"),
    "green": ("#18794e", "#15724a"),
    "red": ("#c0282d", "#a82226"),
    "blue": ("#0a64b4", "#0d5fa8"),
    "orange": ("#b84700", "#a84100"),
}


def contrast_css() -> str:
    """The stylesheet that puts TEXT_11 and SOLID_9_10 in place of Radix's colours (solid and alpha steps,
    so the sRGB and the P3 definitions alike)."""
    names = [f"--{hue}-11: {value} !important; --{hue}-a11: {value} !important" for hue, value in TEXT_11.items()]
    names += [f"--{hue}-9: {nine} !important; --{hue}-a9: {nine} !important; --{hue}-10: {ten} !important; "
              f"--{hue}-a10: {ten} !important" for hue, (nine, ten) in SOLID_9_10.items()]
    return f":root, .light, .light-theme, .radix-themes {{ {'; '.join(names)}; }}"
