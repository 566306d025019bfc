/*
 * The register import's progress (templates/diagnosis/import_job.html): polls the job's status
 * every second while it is active and reloads the page when the status changes. No libraries.
 * Reads #import-progress[data-status-url][data-status][data-active="1"]; does nothing otherwise.
 */
(function () {
  "use strict";

  function start() {
    var box = document.getElementById("import-progress");
    if (!box || box.getAttribute("data-active") !== "1" || !window.fetch) {
      return;
    }
    var url = box.getAttribute("data-status-url");
    var status = box.getAttribute("data-status");
    var bar = box.querySelector("progress");
    var text = box.querySelector(".progress-text");
    var label = document.getElementById("import-status");

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.json();
        })
        .then(function (data) {
          if (data.status !== status) {
            window.location.reload();
            return;
          }
          if (bar) {
            bar.value = data.percent;
            bar.textContent = data.percent + "%";
          }
          if (text) {
            text.textContent = text.textContent.replace(/\d+ \/ \d+/, data.processed_rows + " / " + data.total_rows);
          }
          if (label) {
            label.textContent = data.status_display;
          }
          window.setTimeout(poll, 1000);
        })
        .catch(function () {
          window.setTimeout(poll, 3000);
        });
    }

    window.setTimeout(poll, 1000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
