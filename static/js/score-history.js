// The loyalty score history chart of the account page. The numbers come from a json_script
// element named by the canvas's data-score-history attribute; the table beside it shows them too.
(function () {
  "use strict";

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.scoreHistory);
    if (!source || !window.Chart || canvas.dataset.drawn) {
      return;
    }
    const data = JSON.parse(source.textContent);
    canvas.dataset.drawn = "1";
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [{ label: canvas.dataset.label, data: data.scores, tension: 0.2, fill: false }],
      },
      options: {
        animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { min: 0, max: 100 } },
      },
    });
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-score-history]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  // The panel may arrive later through htmx.
  document.addEventListener("htmx:afterSettle", drawAll);
})();
