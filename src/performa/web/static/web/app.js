/* Performa's page behaviours, switched on by data- attributes so templates need no inline
   script (the Content-Security-Policy allows only script files we serve). Loaded by
   web/base.html after htmx and Chart.js; everything re-runs on content htmx swaps in.

   1. Charts: <canvas data-chart data-chart-source="ID"> draws the Chart.js configuration
      ({type, data, options}) held by <script type="application/json" id="ID">, which Django's
      json_script filter writes: {{ config|json_script:"ID" }}. A small config may instead sit
      in the canvas's own data-chart-config attribute (JSON).

   2. Live sum of weights: inside an element with data-weights-sum, every input with
      data-weight adds up ("12,5%", "12,5" and "12.5" all read as 12.5) into the element with
      data-weights-total, written the Italian way ("99,5%"); when the total is off 100 by more
      than the tolerance it gets the class pesi-fuori and the elements with
      data-weights-warning (if any) are shown. The tolerance is the server's
      (performa.plans.validation.weight_tolerance): 0,5 points, or 0,05 per weight when more
      (weights printed with one decimal miss 100% by rounding only: 14 × 7,1% = 99,4%).
*/
(function () {
  "use strict";

  var TOLERANCE = 0.5;
  var ROUNDING_EACH = 0.05;
  var numberFormat = new Intl.NumberFormat("it-IT", { maximumFractionDigits: 2 });

  // --- 1. Charts ---------------------------------------------------------------------------

  function chartConfig(canvas) {
    var source = canvas.getAttribute("data-chart-source");
    var text = source ? (document.getElementById(source) || {}).textContent
      : canvas.getAttribute("data-chart-config");
    if (!text) {
      console.warn("data-chart: no configuration for", canvas);
      return null;
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      console.warn("data-chart: the configuration is not JSON", canvas, error);
      return null;
    }
  }

  function drawCharts(root) {
    if (typeof window.Chart === "undefined") {
      return;
    }
    // Charts whose canvas htmx swapped out: free them.
    Object.values(window.Chart.instances).forEach(function (chart) {
      if (!chart.canvas || !chart.canvas.isConnected) {
        chart.destroy();
      }
    });
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (window.Chart.getChart(canvas)) {
        return; // already drawn (htmx swapped other content)
      }
      var config = chartConfig(canvas);
      if (config) {
        new window.Chart(canvas, config);
      }
    });
  }

  function setChartDefaults() {
    if (typeof window.Chart === "undefined") {
      return;
    }
    var defaults = window.Chart.defaults;
    defaults.locale = "it-IT"; // 1.234,5 on axes and tooltips
    defaults.font.family = "'Titillium Web', Geneva, Tahoma, sans-serif";
    defaults.color = "#1a1a1a";
    // Users who ask for less motion get charts drawn at once.
    if (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
      defaults.animation = false;
    }
  }

  // --- 2. Live sum of weights ---------------------------------------------------------------

  /** "12,5%" / "12,5" / "12.5" / "1.012,5" → 12.5 / 1012.5; empty or n.d. → 0 (no weight,
      as the server reads it); anything else → NaN. */
  function parseWeight(text) {
    var value = String(text || "").trim().replace(/%$/, "").trim();
    if (!value || /^(n\.?\s*d\.?|-)$/i.test(value)) {
      return 0;
    }
    if (value.indexOf(",") >= 0) {
      value = value.replace(/\./g, "").replace(",", "."); // Italian: dots group thousands
    }
    return /^[-+]?\d+(\.\d+)?$/.test(value) ? parseFloat(value) : NaN;
  }

  function updateWeights(container) {
    var total = 0;
    var invalid = false;
    var inputs = container.querySelectorAll("[data-weight]");
    var tolerance = Math.max(TOLERANCE, ROUNDING_EACH * inputs.length);
    inputs.forEach(function (input) {
      var weight = parseWeight(input.value);
      if (isNaN(weight)) {
        invalid = true;
      } else {
        total += weight;
      }
    });
    var off = invalid || Math.abs(total - 100) > tolerance + 1e-9;
    container.querySelectorAll("[data-weights-total]").forEach(function (output) {
      output.textContent = invalid ? "n.d." : numberFormat.format(total) + "%";
      output.classList.add("pesi-totale");
      output.classList.toggle("pesi-fuori", off);
    });
    container.querySelectorAll("[data-weights-warning]").forEach(function (warning) {
      warning.hidden = !off;
    });
  }

  function bindWeights(root) {
    root.querySelectorAll("[data-weights-sum]").forEach(function (container) {
      if (!container.hasAttribute("data-weights-bound")) {
        container.setAttribute("data-weights-bound", "");
        container.addEventListener("input", function (event) {
          if (event.target.closest("[data-weight]")) {
            updateWeights(container);
          }
        });
      }
      updateWeights(container); // rows may have been added or swapped in
    });
  }

  // --- wiring ------------------------------------------------------------------------------

  function enhance(root) {
    drawCharts(root);
    bindWeights(root);
  }

  // For tests and other scripts.
  window.Performa = { enhance: enhance, parseWeight: parseWeight };

  function start() {
    setChartDefaults();
    enhance(document);
    // After an htmx swap the new content may hold charts or weights, or sit inside a
    // weights container whose total must be recomputed: re-run on the whole page (cheap).
    document.body.addEventListener("htmx:afterSwap", function () {
      enhance(document);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
