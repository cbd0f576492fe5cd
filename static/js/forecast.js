// The forecast chart: stacked bars of weighted value by month, one colour per deal type.
// The numbers come from the json_script element named by the canvas's data-chart.
(function () {
  "use strict";
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") return;
    const data = JSON.parse(source.textContent);
    const yen = new Intl.NumberFormat(document.documentElement.lang || "ja", {
      style: "currency",
      currency: "JPY",
    });
    new Chart(canvas, {
      type: "bar",
      data: data,
      options: {
        maintainAspectRatio: false,
        scales: {
          x: { stacked: true },
          y: { stacked: true, ticks: { callback: (value) => yen.format(value) } },
        },
        plugins: {
          tooltip: {
            callbacks: { label: (item) => `${item.dataset.label}: ${yen.format(item.parsed.y)}` },
          },
        },
      },
    });
  });
})();
