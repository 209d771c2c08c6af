/* Switching language keeps what was typed in the page's forms.
 *
 * The language switch is a plain link (it works without JavaScript); with JavaScript, what
 * the visitor typed is kept in this tab's sessionStorage for the one page load that follows
 * and put back in the same fields of the page in the other language. Passwords, hidden
 * fields (CSRF tokens) and files are never kept.
 */
(function () {
  "use strict";
  var KEY = "keep-form:" + location.pathname;
  var SKIPPED = /^(password|hidden|file|submit|button|reset|image)$/;

  function fields() {
    var kept = [];
    var forms = document.querySelectorAll("main form");
    for (var f = 0; f < forms.length; f++) {
      var elements = forms[f].elements;
      for (var e = 0; e < elements.length; e++) {
        var el = elements[e];
        if (!el.name || SKIPPED.test(el.type)) continue;
        var key = f + "|" + el.name + (el.type === "checkbox" || el.type === "radio" ? "|" + el.value : "");
        kept.push([key, el]);
      }
    }
    return kept;
  }

  function save() {
    var values = {};
    var changed = false;
    fields().forEach(function (pair) {
      var el = pair[1];
      if (el.type === "checkbox" || el.type === "radio") {
        values[pair[0]] = el.checked;
        changed = changed || el.checked !== el.defaultChecked;
      } else if (el.tagName === "SELECT") {
        values[pair[0]] = el.value;
        changed = true;
      } else {
        values[pair[0]] = el.value;
        changed = changed || el.value !== el.defaultValue;
      }
    });
    try {
      if (changed) sessionStorage.setItem(KEY, JSON.stringify(values));
    } catch (err) { /* storage off: the switch still works, without the typed text */ }
  }

  function restore() {
    var stored;
    try {
      stored = sessionStorage.getItem(KEY);
      sessionStorage.removeItem(KEY);
    } catch (err) { return; }
    if (!stored) return;
    var values = JSON.parse(stored);
    fields().forEach(function (pair) {
      if (!(pair[0] in values)) return;
      var el = pair[1];
      if (el.type === "checkbox" || el.type === "radio") el.checked = values[pair[0]];
      else el.value = values[pair[0]];
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    restore();
    var links = document.querySelectorAll(".lang-switch a");
    for (var i = 0; i < links.length; i++) links[i].addEventListener("click", save);
  });
})();
