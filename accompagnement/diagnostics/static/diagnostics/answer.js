/* The référent's answer page (diagnostics/answer.html), served locally (no inline script).
   - Autosave: a comment saves 800 ms after the last keystroke, a rating 600 ms after the
     last change (arrowing through a closed select saves the final value once), and at
     once when the field loses focus. The form's htmx request ("qr:save") is queued per
     criterion (hx-sync), so each save carries the revision the previous one returned.
   - While something typed is not saved yet (waiting, in flight or refused), the criterion
     says so and leaving the page asks for confirmation (beforeunload).
   - "Prochain critère sans réponse" goes to the next open criterion without a rating
     after the one being worked on, and focuses its rating.
   - Narrow screens: the list of themes of the (sticky) column is folded.
   Texts come from the page (data-* attributes, translated by Django). */
(function () {
  "use strict";
  var TYPING_DELAY = 800;
  var SELECT_DELAY = 600;

  document.addEventListener("DOMContentLoaded", function () {
    var sheet = document.querySelector("[data-answer-sheet]");
    if (!sheet) return;
    var unsaved = new Set();

    function status(form, text) {
      var state = form.querySelector(".save-state");
      if (state) state.textContent = text;
    }

    function save(form) {
      clearTimeout(form.qrTimer);
      form.qrTimer = null;
      if (window.htmx) window.htmx.trigger(form, "qr:save");
    }

    function schedule(form, delay) {
      form.qrEdits = (form.qrEdits || 0) + 1;
      if (!unsaved.has(form)) {
        unsaved.add(form);
        status(form, sheet.dataset.unsaved);
      }
      clearTimeout(form.qrTimer);
      form.qrTimer = setTimeout(function () { save(form); }, delay);
    }

    function formOf(target) {
      return target && target.form && target.form.classList.contains("answer-form") ? target.form : null;
    }

    sheet.addEventListener("input", function (event) {
      var form = formOf(event.target);
      if (form && event.target.tagName === "TEXTAREA") schedule(form, TYPING_DELAY);
    });
    sheet.addEventListener("change", function (event) {
      var form = formOf(event.target);
      if (form && event.target.tagName === "SELECT") schedule(form, SELECT_DELAY);
    });
    sheet.addEventListener("focusout", function (event) {
      var form = formOf(event.target);
      if (form && form.qrTimer) save(form);
    });
    sheet.addEventListener("submit", function (event) {
      var form = event.target;
      if (form.classList.contains("answer-form")) {
        clearTimeout(form.qrTimer);
        form.qrTimer = null;
      }
    }, true);
    var lastCriterion = null;
    sheet.addEventListener("focusin", function (event) {
      lastCriterion = event.target.closest(".critere") || lastCriterion;
    });
    sheet.addEventListener("htmx:beforeRequest", function (event) {
      var form = event.target;
      if (!form.classList || !form.classList.contains("answer-form")) return;
      form.qrSent = form.qrEdits || 0;
      form.setAttribute("aria-busy", "true");
    });
    sheet.addEventListener("htmx:afterRequest", function (event) {
      var form = event.target;
      if (!form.classList || !form.classList.contains("answer-form")) return;
      form.removeAttribute("aria-busy");
      var xhr = event.detail.xhr;
      var refused = !event.detail.successful || (xhr && xhr.getResponseHeader("X-Business-Status"));
      if (!event.detail.successful) status(form, sheet.dataset.failed);
      if (!refused && !form.qrTimer && form.qrSent === (form.qrEdits || 0)) unsaved.delete(form);
      else if (!refused) status(form, sheet.dataset.unsaved);
    });

    window.addEventListener("beforeunload", function (event) {
      if (unsaved.size === 0) return;
      event.preventDefault();
      event.returnValue = "";
    });

    // Narrow screens: the column sticks to the top; its list of themes stays folded
    // until asked for, and folds again once a theme is chosen.
    var themes = sheet.querySelector(".theme-nav");
    var narrow = window.matchMedia("(max-width: 63.99rem)");
    if (themes && narrow.matches) themes.open = false;
    if (themes) {
      themes.addEventListener("click", function (event) {
        if (narrow.matches && event.target.closest("a")) themes.open = false;
      });
    }

    var next = document.getElementById("prochain-sans-reponse");
    if (next) {
      next.addEventListener("click", function (event) {
        var selects = Array.prototype.slice.call(sheet.querySelectorAll(".answer-form select"));
        var start = 0;
        if (lastCriterion) {
          selects.forEach(function (select, index) {
            if (lastCriterion.contains(select)) start = index + 1;
          });
        }
        var ordered = selects.slice(start).concat(selects.slice(0, start));
        var target = ordered.find(function (select) { return !select.disabled && select.value === ""; });
        var note = document.getElementById("prochain-etat");
        event.preventDefault();
        if (!target) {
          if (note) note.textContent = next.dataset.none;
          return;
        }
        if (note) note.textContent = "";
        var article = target.closest(".critere");
        history.replaceState(null, "", "#" + article.id);
        article.scrollIntoView({block: "start"});
        target.focus({preventScroll: true});
      });
    }
  });
})();
