// The pipeline board: drag a card onto another stage's column to move it. The card's own
// stage selector does the same without a mouse; both post to the same endpoint through htmx,
// which swaps in the refreshed board. Dropping on "lost" opens the deal to ask for a reason.
(function () {
  "use strict";
  let dragged = null;

  function columnAt(event) {
    return event.target instanceof Element ? event.target.closest("[data-stage]") : null;
  }

  document.addEventListener("dragstart", function (event) {
    const card = event.target instanceof Element ? event.target.closest("[data-card]") : null;
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.testid || "card");
    card.classList.add("dragging");
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    document.querySelectorAll(".drop-target").forEach(function (column) {
      column.classList.remove("drop-target");
    });
  });

  document.addEventListener("dragover", function (event) {
    const column = columnAt(event);
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.add("drop-target");
  });

  document.addEventListener("dragleave", function (event) {
    const column = columnAt(event);
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("drop-target");
  });

  document.addEventListener("drop", function (event) {
    const column = columnAt(event);
    if (!column || !dragged) return;
    event.preventDefault();
    const card = dragged;
    const stage = column.dataset.stage;
    if (card.closest("[data-stage]") === column) return;
    if (stage === "lost") {
      window.location.assign(card.dataset.lostUrl);
      return;
    }
    htmx.ajax("POST", card.dataset.moveUrl, {
      source: card,
      target: "#board",
      swap: "outerHTML",
      values: { stage: stage },
    });
  });
})();
