"use strict";
(function () {
  function cellValue(row, index, numeric) {
    var cell = row.cells[index];
    var text = cell.getAttribute("data-sort");
    if (text === null) { text = cell.textContent; }
    return numeric ? parseFloat(text) : text.toLowerCase();
  }
  function sortTable(table, index, ascending) {
    var header = table.tHead.rows[0].cells[index];
    var numeric = header.classList.contains("num");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index, numeric), y = cellValue(b, index, numeric);
      var order = x < y ? -1 : x > y ? 1 : 0;
      if (order === 0) { order = cellValue(a, 0, true) - cellValue(b, 0, true); }
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        sortTable(table, index, th.getAttribute("aria-sort") !== "ascending");
      });
    });
  });
  // #sort=TABLE-ID:COLUMN:asc|desc sorts on load (a link can share a sorted view).
  var wanted = /^#sort=([A-Za-z0-9_-]+):([0-9]+):(asc|desc)$/.exec(window.location.hash);
  if (wanted) {
    var table = document.getElementById(wanted[1]);
    if (table && table.classList.contains("sortable") && +wanted[2] < table.tHead.rows[0].cells.length) {
      sortTable(table, +wanted[2], wanted[3] === "asc");
    }
  }
  document.documentElement.setAttribute("data-sortable", "ready");
}());
