/* Sortable and filterable tables for the archive's ledgers. No libraries, nothing downloaded.
 * A table marked data-sortable sorts by a header click (again: reverse); cells may carry a
 * data-sort value (numbers padded, dates ISO). A table marked data-filterable gets a box above
 * it that hides the rows not containing the typed text. */
(function () {
  "use strict";

  function cellValue(row, column) {
    var cell = row.cells[column];
    if (!cell) return "";
    var key = cell.getAttribute("data-sort");
    return key !== null && key !== "" ? key : cell.textContent.trim();
  }

  function compare(a, b) {
    var x = Number(a), y = Number(b);
    if (a !== "" && b !== "" && !isNaN(x) && !isNaN(y)) return x - y;
    return a.localeCompare(b, "zh-Hans-CN", { numeric: true });
  }

  function sortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, column) {
      th.classList.add("dangan-sort");
      th.setAttribute("tabindex", "0");
      th.setAttribute("aria-sort", "none");
      th.title = "点击排序";
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var order = compare(cellValue(r1, column), cellValue(r2, column));
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });
  }

  function filterable(table) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "dangan-filter md-input";
    box.placeholder = "筛选…";
    box.setAttribute("aria-label", "筛选表格");
    var count = document.createElement("span");
    count.className = "dangan-filter__count";
    var bar = document.createElement("div");
    bar.className = "dangan-filter__bar";
    bar.appendChild(box);
    bar.appendChild(count);
    var anchor = table.closest(".dangan-scroll") || table;
    anchor.parentNode.insertBefore(bar, anchor);
    var rows = table.tBodies[0] ? table.tBodies[0].rows : [];
    function apply() {
      var words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(rows, function (row) {
        var text = row.textContent.toLowerCase();
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        row.hidden = !match;
        if (match) shown += 1;
      });
      count.textContent = shown + " / " + rows.length;
    }
    box.addEventListener("input", apply);
    apply();
  }

  function init() {
    document.querySelectorAll("table[data-sortable]:not([data-ready])").forEach(function (table) {
      table.setAttribute("data-ready", "");
      sortable(table);
      if (table.hasAttribute("data-filterable")) filterable(table);
    });
  }

  if (typeof document$ !== "undefined" && document$.subscribe) {
    document$.subscribe(init);  /* Material's instant navigation, when enabled */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
