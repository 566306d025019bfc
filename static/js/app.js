/*
 * Small progressive enhancements for the platform's pages. Every page works without this file:
 * the menu is simply shown, the filters stay open and every county is listed.
 *  - marks <html> with "js" at once (loaded in <head>) so CSS may collapse the phone menu;
 *  - toggles the phone menu ([data-nav-toggle] controls the element named by aria-controls);
 *  - closes the list filters on narrow screens unless a filter is in use;
 *  - narrows the county <select> to the chosen city's group ([data-region-select] / [data-county-select]);
 *  - submits a GET form when a <select data-autosubmit> changes (e.g. the caseload's sort order).
 */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  function setupMenu() {
    var toggle = document.querySelector("[data-nav-toggle]");
    if (!toggle) return;
    var menu = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!menu) return;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.classList.contains("is-open")) {
        toggle.setAttribute("aria-expanded", "false");
        menu.classList.remove("is-open");
        toggle.focus();
      }
    });
  }

  function setupFilters() {
    var details = document.querySelector("details[data-collapse-narrow]");
    if (details && !details.hasAttribute("data-active") && window.matchMedia("(max-width: 699px)").matches) {
      details.open = false;
    }
  }

  function setupCountyByRegion() {
    var region = document.querySelector("select[data-region-select]");
    var county = document.querySelector("select[data-county-select]");
    if (!region || !county) return;
    function apply() {
      var chosen = region.selectedIndex > 0 ? region.options[region.selectedIndex].text : "";
      var groups = county.querySelectorAll("optgroup");
      for (var i = 0; i < groups.length; i++) {
        var hide = chosen !== "" && groups[i].label !== chosen;
        groups[i].hidden = hide;
        groups[i].disabled = hide;
      }
      var selected = county.options[county.selectedIndex];
      if (selected && selected.parentNode && selected.parentNode.disabled) {
        county.value = "";
      }
    }
    region.addEventListener("change", apply);
    apply();
  }

  function setupAutosubmit() {
    var selects = document.querySelectorAll("select[data-autosubmit]");
    for (var i = 0; i < selects.length; i++) {
      selects[i].addEventListener("change", function (event) {
        var form = event.target.form;
        if (form) form.submit();
      });
    }
  }

  ready(function () {
    setupAutosubmit();
    setupMenu();
    setupFilters();
    setupCountyByRegion();
  });
})();
