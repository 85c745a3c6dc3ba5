"""The wrong-address notice: a browser that opened the site at another origin than `TPD_PUBLIC_ORIGIN`
(e.g. http://127.0.0.1:3000 for http://localhost:3000) has its websocket refused, and without this the page
would only spin. A script in every page's head compares the addresses and, if they differ, shows a notice
with a link to the right one (both languages: the page's language comes from the server it cannot reach).
The origin is baked in at build time, like the bundle's websocket address (the build stamp includes it)."""

from __future__ import annotations

import json

import reflex as rx

from tpd_app.i18n import translate
from tpd_app.settings import get_settings

_SCRIPT = """(function () {
  var want = %(origin)s;
  if (location.origin === want) return;
  function show() {
    if (document.getElementById('tpd-origin-notice')) return;
    var box = document.createElement('div');
    box.id = 'tpd-origin-notice';
    box.setAttribute('role', 'alert');
    box.style.cssText = 'position:fixed;top:0;left:0;right:0;z-index:9999;padding:12px 16px;' +
      'background:#7a1f12;color:#fff;font:16px/1.5 sans-serif';
    var link = document.createElement('a');
    link.href = want + location.pathname + location.search;
    link.textContent = want;
    link.style.cssText = 'color:#fff;font-weight:bold;text-decoration:underline';
    box.append(%(zh)s, link, ' / ', %(en)s, link.cloneNode(true));
    document.body.appendChild(box);
  }
  window.addEventListener('load', function () { setTimeout(show, 1500); });
})();"""


def origin_notice_script() -> rx.Component:
    """The head script (see the module docstring)."""
    origin = get_settings().public_origin
    return rx.el.script(_SCRIPT % {"origin": json.dumps(origin),
                                   "zh": json.dumps(translate("origin.wrong_address", "zh-TW")),
                                   "en": json.dumps(translate("origin.wrong_address", "en"))})
