/* Names for the controls Datasette prints without labels (its templates have no block to add
 * them in): the filter form of table pages and the SQL editor. A screen reader says what each is for. */
(function () {
  "use strict";
  var NAMES = [
    ["select[name^='_filter_column']", "Column to filter on"],
    ["select[name^='_filter_op']", "How to compare"],
    ["input.filter-value", "Value to compare with"],
    ["select#sort_by", "Sort by"],
    [".CodeMirror textarea, textarea#sql-editor", "SQL query"]
  ];
  function name() {
    NAMES.forEach(function (pair) {
      Array.prototype.forEach.call(document.querySelectorAll(pair[0]), function (control) {
        if (!control.getAttribute("aria-label") && !control.labels.length) { control.setAttribute("aria-label", pair[1]); }
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", name); } else { name(); }
})();
