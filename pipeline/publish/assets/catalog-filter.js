// Narrows the catalog table by the selected values; works offline, reads the table the page already holds.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("catalog-filter");
  if (!form) return;
  var table = document.querySelector(".md-content table");
  if (!table) return;
  var headers = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) {
    return th.textContent.trim();
  });
  var controls = form.querySelectorAll("[data-column]");
  var counter = form.querySelector(".catalog-filter-count");
  function matches(cellText, wanted, isText) {
    if (!wanted) return true;
    var text = cellText.toLowerCase();
    if (isText) return text.indexOf(wanted.toLowerCase()) !== -1;
    return text.split(";").some(function (part) { return part.trim() === wanted.toLowerCase(); });
  }
  function apply() {
    var shown = 0;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var visible = Array.prototype.every.call(controls, function (control) {
        var index = headers.indexOf(control.getAttribute("data-column"));
        if (index < 0) return true;
        return matches(row.cells[index].textContent, control.value.trim(), control.tagName === "INPUT");
      });
      row.hidden = !visible;
      if (visible) shown += 1;
    });
    counter.textContent = "Показано программ: " + shown + " из " + table.tBodies[0].rows.length;
  }
  Array.prototype.forEach.call(controls, function (control) {
    control.addEventListener("input", apply);
    control.addEventListener("change", apply);
  });
  apply();
});
