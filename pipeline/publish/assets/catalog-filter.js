// Narrows the catalog table by the selected values; works offline, reads the table the page already holds.
// A select may carry data-any (a cell value that matches every choice, «все муниципалитеты») or
// data-kind="range" (option values «from-to» matched against the cell's number).
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
  function matches(cellText, control) {
    var wanted = control.value.trim().toLowerCase();
    if (!wanted) return true;
    var text = cellText.trim().toLowerCase();
    if (control.tagName === "INPUT") return text.indexOf(wanted) !== -1;
    if (control.getAttribute("data-kind") === "range") {
      var bounds = wanted.split("-").map(Number);
      var number = Number(text.replace(/\s/g, ""));
      return number >= bounds[0] && number <= bounds[1];
    }
    var any = (control.getAttribute("data-any") || "").toLowerCase();
    return text.split(";").some(function (part) {
      part = part.trim();
      return part === wanted || (any !== "" && part === any);
    });
  }
  function apply() {
    var shown = 0;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var visible = Array.prototype.every.call(controls, function (control) {
        var index = headers.indexOf(control.getAttribute("data-column"));
        if (index < 0) return true;
        return matches(row.cells[index].textContent, control);
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
