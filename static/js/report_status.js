/* The diagnosis page's report card: while a version is being made, ask its state every few
   seconds and reload the page once nothing is pending (then the new version and its download show). */
(function () {
  var card = document.querySelector("[data-testid=report-card]");
  if (!card || card.getAttribute("data-busy") !== "1") { return; }
  var url = card.getAttribute("data-status-url");
  var tries = 0;
  function poll() {
    tries += 1;
    if (tries > 200) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && !data.busy) { window.location.reload(); return; }
        window.setTimeout(poll, 3000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
