// Behaviour shared by every page. Inline scripts are forbidden by the CSP, so pages declare
// what they need with data- attributes and this file wires it up.
(function () {
  "use strict";

  // <select data-autosubmit> submits its form as soon as the choice changes.
  document.addEventListener("change", function (event) {
    const target = event.target;
    if (target.matches("[data-autosubmit]") && target.form) {
      target.form.requestSubmit();
    }
  });
})();
