"""The busy notice: when the server has not answered an event for a few seconds (a national rush, a
saturated worker), the page says that the request was sent and is being processed, instead of leaving a
person to wonder whether her 報名 went through and press again. Events are queued, never dropped, while
the server catches up; the notice goes away with the first answer.

A script in every page's head wraps the browser's WebSocket for the app's `/_event` socket and watches
socket.io event packets (`42/_event,…`): one sent and none received for `WAIT_MS` shows the notice in the
language the person chose (the `tpd_lang` local storage the language switch keeps)."""

from __future__ import annotations

import json

import reflex as rx

from tpd_app.i18n import translate

#: How long an unanswered event waits before the notice shows (a normal event answers in milliseconds).
WAIT_MS = 3000

_SCRIPT = """(function () {
  var Native = window.WebSocket;
  if (!Native || Native.tpdBusy) return;
  var waitingSince = 0;
  function isEvent(data) { return typeof data === 'string' && data.indexOf('42/_event,') === 0; }
  function notice() { return document.getElementById('tpd-busy-notice'); }
  function show() {
    if (!waitingSince || Date.now() - waitingSince < %(wait)d || notice() || !document.body) return;
    var english = /en/.test(localStorage.getItem('tpd_lang') || '');
    var box = document.createElement('div');
    box.id = 'tpd-busy-notice';
    box.setAttribute('role', 'status');
    box.setAttribute('aria-live', 'polite');
    box.style.cssText = 'position:fixed;bottom:16px;left:50%%;transform:translateX(-50%%);z-index:9998;' +
      'width:max-content;max-width:calc(100%% - 32px);box-sizing:border-box;padding:10px 16px;' +
      'border-radius:8px;background:#173a5e;color:#fff;font:15px/1.5 sans-serif;' +
      'box-shadow:0 2px 8px rgba(0,0,0,.3)';
    box.textContent = english ? %(en)s : %(zh)s;
    document.body.appendChild(box);
  }
  function answered() { waitingSince = 0; var box = notice(); if (box) box.remove(); }
  function Watched(url, protocols) {
    var ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    if (String(url).indexOf('/_event') < 0) return ws;
    var send = ws.send;
    ws.send = function (data) {
      if (isEvent(data) && !waitingSince) { waitingSince = Date.now(); setTimeout(show, %(wait)d + 50); }
      return send.apply(ws, arguments);
    };
    ws.addEventListener('message', function (message) { if (isEvent(message.data)) answered(); });
    ws.addEventListener('close', answered);
    return ws;
  }
  Watched.prototype = Native.prototype;
  ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'].forEach(function (k) { Watched[k] = Native[k]; });
  Watched.tpdBusy = true;
  window.WebSocket = Watched;
})();"""


def busy_notice_script() -> rx.Component:
    """The head script (see the module docstring)."""
    return rx.el.script(_SCRIPT % {"wait": WAIT_MS, "zh": json.dumps(translate("busy.waiting", "zh-TW")),
                                   "en": json.dumps(translate("busy.waiting", "en"))})
