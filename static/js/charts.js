// Draws every <canvas data-chart="line|bar" data-chart-source="ID"> with Chart.js, reading its
// data from the <script type="application/json" id="ID"> that json_script wrote beside it
// (inline scripts are forbidden by the CSP). The data is {labels: [...], datasets: [{label,
// data}]}. Options, as data- attributes on the canvas:
//   data-chart-min / data-chart-max  fix the value axis (e.g. −100 to 100 for NPS)
//   data-chart-axis="y"              horizontal bars
//   data-chart-stacked               stack the datasets
//   data-chart-yen                   values are yen: ticks and tooltips as ¥1,234
(function () {
  "use strict";

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chartSource);
    if (!source || typeof Chart === "undefined" || canvas.dataset.drawn) {
      return;
    }
    canvas.dataset.drawn = "1";
    const data = JSON.parse(source.textContent);
    const stacked = canvas.dataset.chartStacked !== undefined;
    const yen = canvas.dataset.chartYen !== undefined
      ? new Intl.NumberFormat(document.documentElement.lang || "ja", {
          style: "currency",
          currency: "JPY",
        })
      : null;
    const valueAxis = { stacked: stacked };
    if (canvas.dataset.chartMin !== undefined) {
      valueAxis.min = Number(canvas.dataset.chartMin);
    }
    if (canvas.dataset.chartMax !== undefined) {
      valueAxis.max = Number(canvas.dataset.chartMax);
    }
    if (yen) {
      valueAxis.ticks = { callback: (value) => yen.format(value) };
    }
    const horizontal = canvas.dataset.chartAxis === "y";
    const categoryAxis = { stacked: stacked };
    const tooltip = yen
      ? { callbacks: { label: (item) => `${item.dataset.label}: ${yen.format(item.raw)}` } }
      : {};
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
        scales: horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
        plugins: { legend: { display: data.datasets.length > 1 }, tooltip: tooltip },
      },
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
