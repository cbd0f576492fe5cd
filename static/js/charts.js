// Draws every <canvas data-chart="line|bar" data-chart-source="ID"> with Chart.js, reading its
// data from the <script type="application/json" id="ID"> that json_script wrote beside it
// (inline scripts are forbidden by the CSP). The data is {labels: [...], datasets: [{label,
// data}]}; data-chart-min / data-chart-max fix the value axis (e.g. −100 to 100 for NPS).
(function () {
  "use strict";

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chartSource);
    if (!source || typeof Chart === "undefined") {
      return;
    }
    const data = JSON.parse(source.textContent);
    const valueAxis = {};
    if (canvas.dataset.chartMin !== undefined) {
      valueAxis.min = Number(canvas.dataset.chartMin);
    }
    if (canvas.dataset.chartMax !== undefined) {
      valueAxis.max = Number(canvas.dataset.chartMax);
    }
    const horizontal = canvas.dataset.chartAxis === "y";
    new Chart(canvas, {
      type: canvas.dataset.chart,
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (dataset) {
          return { label: dataset.label, data: dataset.data, spanGaps: true };
        }),
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        scales: horizontal ? { x: valueAxis } : { y: valueAxis },
        plugins: { legend: { display: data.datasets.length > 1 } },
      },
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
