/* Downloads that take a few seconds (a PDF of the whole Piano) say so while they are made.

   Inside an element with data-download-area, a click on a link with data-download fetches
   the file, shows «Generazione in corso…» in the element with data-download-status (a
   polite live region, present and empty from the start, so screen readers hear it), then hands the file to the browser
   under the name the server gave (Content-Disposition). When the answer is not a file (an
   error page), the browser simply follows the link, so the user sees the page with the
   message. Without JavaScript the links are plain downloads. No inline script: CSP-safe.
*/
(function () {
  "use strict";

  function fileName(response, fallback) {
    var header = response.headers.get("Content-Disposition") || "";
    var utf8 = /filename\*=utf-8''([^;]+)/i.exec(header);
    if (utf8) {
      return decodeURIComponent(utf8[1]);
    }
    var plain = /filename="?([^";]+)"?/i.exec(header);
    return plain ? plain[1] : fallback;
  }

  function say(status, text, kind) {
    if (status) {
      status.textContent = text;
      status.className = text ? "alert alert-" + (kind || "info") : "";
    }
  }

  function download(link, status) {
    if (link.getAttribute("aria-busy") === "true") {
      return;
    }
    var label = link.getAttribute("data-download-label") || link.textContent.trim();
    var started = Date.now();
    link.setAttribute("aria-busy", "true");
    link.classList.add("disabled");
    say(status, "Generazione in corso: " + label + "…");
    fetch(link.href, { credentials: "same-origin" })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("text/html") === 0) {
          window.location.href = link.href; // the page explains what went wrong
          return null;
        }
        return response.blob().then(function (blob) {
          var url = URL.createObjectURL(blob);
          var anchor = document.createElement("a");
          anchor.href = url;
          anchor.download = fileName(response, "documento");
          document.body.appendChild(anchor);
          anchor.click();
          anchor.remove();
          setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
          var seconds = ((Date.now() - started) / 1000).toLocaleString("it-IT",
            { maximumFractionDigits: 1 });
          say(status, "Pronto: " + anchor.download + " (" + seconds + " s).", "success");
        });
      })
      .catch(function () {
        say(status, "Il documento non è stato generato: riprovare tra poco.", "danger");
      })
      .finally(function () {
        link.removeAttribute("aria-busy");
        link.classList.remove("disabled");
      });
  }

  function start() {
    document.querySelectorAll("[data-download-area]").forEach(function (area) {
      var status = area.querySelector("[data-download-status]");
      area.addEventListener("click", function (event) {
        var link = event.target.closest("a[data-download]");
        if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) {
          return;
        }
        event.preventDefault();
        download(link, status);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
