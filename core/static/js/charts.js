/* Charts of the pages (Chart.js, served locally). A page gives each chart as JSON with
   Django's json_script, id "chart-data-<canvas id>": {type, labels, datasets: [{label,
   data, color}], max}; this script draws every one of them (no inline script needed). */
(function () {
  "use strict";
  if (!window.Chart) return;
  var palette = {
    declare: ["#1d4ed8", "rgba(29,78,216,.30)"],
    confirme: ["#15803d", "rgba(21,128,61,.30)"],
    structure: ["#b45309", "rgba(180,83,9,.30)"],
    territoire: ["#7c3aed", "rgba(124,58,237,.30)"],
    reseau: ["#475569", "rgba(71,85,105,.30)"]
  };
  function draw(element) {
    var spec = JSON.parse(element.textContent);
    var canvas = document.getElementById(element.id.slice("chart-data-".length));
    if (!canvas || !spec) return;
    var max = spec.max === undefined ? 100 : spec.max;
    var scale = max === null ? {min: 0} : {min: 0, max: max};
    var scales = spec.type === "radar" ? {r: scale} : {y: scale};
    new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (dataset) {
          var colors = palette[dataset.color] || palette.declare;
          return {
            label: dataset.label,
            data: dataset.data,
            borderColor: colors[0],
            backgroundColor: spec.type === "bar" ? colors[0] : colors[1],
            spanGaps: true
          };
        })
      },
      options: {maintainAspectRatio: false, scales: scales}
    });
  }
  function drawAll() {
    document.querySelectorAll('script[id^="chart-data-"]').forEach(draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
