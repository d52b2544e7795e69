/*
 * The evaluation page's "N of M answered" counts, kept current as you answer. The page
 * renders the counts of what was saved or submitted; without this script they simply wait
 * for the next save. A question counts as answered when it has an answer other than
 * "I don't know yet" (a number typed in, for the counting questions), as the server counts.
 */
"use strict";

(function () {
  var form = document.querySelector("form[data-answer-progress]");
  if (!form) {
    return;
  }
  var questions = form.querySelectorAll("fieldset[data-question]");

  function isAnswered(question) {
    var checked = question.querySelector("input[type=radio][name^='value__']:checked");
    if (checked) {
      return checked.value !== "unknown";
    }
    var number = question.querySelector("input[name^='value__']:not([type=radio])");
    return Boolean(number && number.value.trim() !== "");
  }

  function update() {
    var counts = { all: 0 };
    questions.forEach(function (question) {
      var category = question.dataset.question;
      counts[category] = counts[category] || 0;
      if (isAnswered(question)) {
        counts[category] += 1;
        counts.all += 1;
      }
    });
    form.querySelectorAll("[data-answered]").forEach(function (count) {
      count.textContent = String(counts[count.dataset.answered] || 0);
    });
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
})();
