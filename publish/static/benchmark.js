/* The /benchmark form: offer only the years the chosen council has the chosen figure for.
 *
 * The page carries the first council's options as JSON (#council-options: measure, stage,
 * category, unit and years); choosing another council fetches its options from
 * /benchmark/options.json. Without this script the form still works: the comparison page
 * says which years and figures a council has.
 */
(function () {
  "use strict";

  var FIELDS = ["measure", "stage", "category", "unit"];
  var cache = {};

  function byId(id) { return document.getElementById(id); }

  function matching(options) {
    return options.filter(function (option) {
      return FIELDS.every(function (field) { return option[field] === byId(field).value; });
    })[0];
  }

  function show(options) {
    var council = byId("council").value, year = byId("year"), hint = byId("year-hint");
    var found = matching(options), keep = year.value;
    year.innerHTML = "";
    (found ? found.years : []).forEach(function (period) {
      var option = document.createElement("option");
      option.value = option.textContent = period;
      option.selected = period === keep;
      year.appendChild(option);
    });
    if (found) {
      hint.textContent = "the years " + council + " has this figure for";
    } else {
      var none = document.createElement("option");
      none.value = ""; none.textContent = "no year";
      year.appendChild(none);
      hint.textContent = council + " has no figure for this measure, stage, category and unit; it has " +
        options.length + " other" + (options.length === 1 ? "" : "s") + ": the comparison lists them";
    }
  }

  function load(council, then) {
    if (cache[council]) { then(cache[council]); return; }
    var form = document.querySelector(".benchmark-form");
    fetch(form.getAttribute("data-options-url") + "?council=" + encodeURIComponent(council))
      .then(function (response) { return response.json(); })
      .then(function (options) { cache[council] = options; then(options); })
      .catch(function () { byId("year-hint").textContent = "the years could not be read: any year may be tried"; });
  }

  function update() { load(byId("council").value, show); }

  function start() {
    var form = document.querySelector(".benchmark-form"), initial = byId("council-options");
    if (!form || !initial) { return; }
    cache[byId("council").value] = JSON.parse(initial.textContent);
    ["council"].concat(FIELDS).forEach(function (field) { byId(field).addEventListener("change", update); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
