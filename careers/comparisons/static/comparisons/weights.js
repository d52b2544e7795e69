/*
 * The weights page's share of the total weight per category, kept current as you type.
 * The page renders the shares of the weights it shows; without this script they follow
 * after saving. A box that does not hold a whole number within its bounds counts as 0, and
 * halves round up, as in WeightsForm (careers/comparisons/forms.py), so the share shown
 * while typing is the share shown after saving.
 */
"use strict";

(function () {
  var form = document.querySelector("form[data-weight-shares]");
  if (!form) {
    return;
  }
  var inputs = form.querySelectorAll("input[data-weight-category]");
  // What Django's IntegerField reads as a whole number: digits, an optional sign and an
  // optional ".0" tail. A number box also takes "1e1" or "10.5", which the server refuses.
  var WHOLE = /^[+-]?\d+(\.0*)?$/;

  function weightOf(input) {
    var text = input.value.trim();
    if (!WHOLE.test(text)) {
      return 0;
    }
    var weight = parseInt(text, 10);
    if ((input.min !== "" && weight < Number(input.min)) ||
        (input.max !== "" && weight > Number(input.max))) {
      return 0;
    }
    return weight;
  }

  function update() {
    var sums = {};
    var total = 0;
    inputs.forEach(function (input) {
      var weight = weightOf(input);
      var category = input.dataset.weightCategory;
      sums[category] = (sums[category] || 0) + weight;
      total += weight;
    });
    form.querySelectorAll("[data-weight-share]").forEach(function (share) {
      var part = sums[share.dataset.weightShare] || 0;
      share.textContent = total > 0 ? Math.floor((200 * part + total) / (2 * total)) + "%" : "—";
    });
  }

  form.addEventListener("input", update);
})();
