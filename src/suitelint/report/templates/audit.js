"use strict";
(function () {
  var tables = Array.prototype.slice.call(document.querySelectorAll("table.audit"));
  function cellValue(row, index, numeric) {
    var cell = row.cells[index];
    var text = cell.getAttribute("data-sort");
    if (text === null) { text = cell.textContent; }
    if (numeric) { var n = parseFloat(text); return isNaN(n) ? -1 : n; }
    return text.toLowerCase();
  }
  function sortTable(table, index, ascending) {
    var header = table.tHead.rows[0].cells[index];
    var numeric = header.classList.contains("num") || index === 0;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var keys = rows.map(function (row) { return [cellValue(row, index, numeric), cellValue(row, 0, true), row]; });
    keys.sort(function (a, b) {
      var order = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
      if (order === 0) { order = a[1] - b[1]; }
      return ascending ? order : -order;
    });
    var fragment = document.createDocumentFragment();
    keys.forEach(function (key) { fragment.appendChild(key[2]); });
    body.appendChild(fragment);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  tables.forEach(function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        sortTable(table, index, th.getAttribute("aria-sort") !== "ascending");
      });
    });
  });
  var action = document.getElementById("f-action");
  var login = document.getElementById("f-login");
  var text = document.getElementById("f-text");
  var count = document.getElementById("f-count");
  function apply() {
    var wanted = action.value, onlyNo = login.checked, needle = text.value.trim().toLowerCase();
    var shown = 0, total = 0;
    tables.forEach(function (table) {
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var ok = (!wanted || row.getAttribute("data-action") === wanted) &&
          (!onlyNo || row.getAttribute("data-login") === "no") &&
          (!needle || row.textContent.toLowerCase().indexOf(needle) !== -1);
        row.hidden = !ok;
        total += 1; if (ok) { shown += 1; }
      });
    });
    count.textContent = "showing " + shown + " of " + total;
  }
  [action, login].forEach(function (el) { el.addEventListener("change", apply); });
  var pending = null;
  text.addEventListener("input", function () {
    if (pending !== null) { window.clearTimeout(pending); }
    pending = window.setTimeout(apply, 150);
  });
  document.getElementById("filters").addEventListener("submit", function (event) { event.preventDefault(); });
  // #action=NAME or #cannot-log-in opens the page filtered (a link can share a view).
  var hash = window.location.hash;
  var m = /^#action=([a-z-]+)$/.exec(hash);
  if (m) { action.value = m[1]; }
  if (hash === "#cannot-log-in") { login.checked = true; }
  apply();
  document.documentElement.setAttribute("data-audit", "ready");
}());
