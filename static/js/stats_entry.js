/* The data-entry grid: save a cell when the person leaves it (the whole-form submit still works
   without this script), show the saved or refused state on the cell, Enter moves one row down. */
(function () {
  var grid = document.querySelector("[data-testid=entry-grid]");
  if (!grid) { return; }
  var url = grid.getAttribute("data-cell-url");
  var token = grid.querySelector("input[name=csrfmiddlewaretoken]").value;
  var period = grid.querySelector("input[name=period]").value;
  function mark(input, state, message) {
    var cell = input.parentNode;
    cell.classList.remove("is-saved", "has-error");
    var old = cell.querySelector(".field-error");
    if (old) { old.parentNode.removeChild(old); }
    if (state) { cell.classList.add(state); }
    if (message) {
      var p = document.createElement("p");
      p.className = "field-error";
      p.textContent = message;
      cell.appendChild(p);
    }
  }
  grid.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.name || input.name.indexOf("v-") !== 0) { return; }
    var body = new URLSearchParams({ name: input.name, period: period, value: input.value });
    fetch(url, { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": token }, body: body })
      .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
      .then(function (res) {
        if (res.ok) { input.value = res.data.value; input.defaultValue = res.data.value; mark(input, "is-saved"); }
        else { mark(input, "has-error", res.data.error || ""); }
      })
      .catch(function () { mark(input, "has-error", ""); });
  });
  grid.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.name) { return; }
    event.preventDefault();
    var cell = event.target.parentNode;
    var row = cell.parentNode;
    var index = Array.prototype.indexOf.call(row.children, cell);
    var next = row.nextElementSibling;
    if (next && next.children[index]) { var input = next.children[index].querySelector("input"); if (input) { input.focus(); } }
  });
})();
