/* The card editor of the planning office (templates/web/planning/indicators.html), switched on
   by data- attributes (no inline script: the Content-Security-Policy allows only our files).

   1. Adding rows: the button [data-add-row] (hidden without JavaScript: the table always
      offers one empty row) copies the formset's empty row from <template data-empty-row>
      into [data-indicator-rows], numbering it with the formset's TOTAL_FORMS.
   2. Inserting variables: a button [data-insert-variable="N_ImprAtt"] writes the name into
      the formula input ([data-formula-input]) that last had the focus, at the cursor, and
      fires "input" so htmx checks the formula again.
   The live sum of weights is app.js's (data-weights-sum); it is recomputed on new rows.
*/
(function () {
  "use strict";

  var lastFormula = null;

  function quoted(name) {
    // Names with spaces or symbols go in square brackets, as the formula language wants.
    return /^[A-Za-z_][A-Za-z0-9_.\-]*$/.test(name) ? name : "[" + name + "]";
  }

  function insertVariable(name) {
    var input = lastFormula && lastFormula.isConnected ? lastFormula
      : document.querySelector("[data-formula-input]");
    if (!input) {
      return;
    }
    var text = quoted(name);
    var start = input.selectionStart === null ? input.value.length : input.selectionStart;
    var end = input.selectionEnd === null ? start : input.selectionEnd;
    input.value = input.value.slice(0, start) + text + input.value.slice(end);
    input.focus();
    input.setSelectionRange(start + text.length, start + text.length);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function addRow(button) {
    var form = button.closest("form");
    var template = form && form.querySelector("template[data-empty-row]");
    var rows = form && form.querySelector("[data-indicator-rows]");
    var total = form && form.querySelector("input[name$='-TOTAL_FORMS']");
    if (!template || !rows || !total) {
      return;
    }
    var index = parseInt(total.value, 10);
    var holder = document.createElement("tbody");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var added = Array.prototype.slice.call(holder.children);
    added.forEach(function (row) {
      rows.appendChild(row);
      if (window.htmx) {
        window.htmx.process(row); // the new formula input checks itself too
      }
    });
    total.value = String(index + 1);
    if (window.Performa) {
      window.Performa.enhance(document);
    }
    var first = added.length ? added[0].querySelector("input, textarea") : null;
    if (first) {
      first.focus();
    }
  }

  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-formula-input]")) {
      lastFormula = event.target;
    }
  });

  document.addEventListener("click", function (event) {
    var insert = event.target.closest("[data-insert-variable]");
    if (insert) {
      insertVariable(insert.getAttribute("data-insert-variable"));
      return;
    }
    var add = event.target.closest("[data-add-row]");
    if (add) {
      addRow(add);
    }
  });

  function start() {
    document.querySelectorAll("[data-add-row]").forEach(function (button) {
      button.hidden = false;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
