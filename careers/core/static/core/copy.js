/*
 * A copy button beside each link marked `data-copy` (a read-only input, or a code element),
 * labelled with the attribute's value. Progressive enhancement: without this script the link
 * is selectable text and no button shows. The result is said in a live region, so a screen
 * reader hears it too.
 */
"use strict";

(function () {
  var CLEAR_AFTER_MS = 5000;

  function textOf(source) {
    return source instanceof HTMLInputElement ? source.value : source.textContent.trim();
  }

  function select(source) {
    if (source instanceof HTMLInputElement) {
      source.focus();
      source.select();
      return;
    }
    var range = document.createRange();
    range.selectNodeContents(source);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  // Where the Clipboard API is missing (a page served over plain HTTP on another machine's
  // address is not a secure context), the older command still copies a selection.
  function copyBySelection(source) {
    select(source);
    try {
      return Promise.resolve(document.execCommand("copy"));
    } catch (error) {
      return Promise.resolve(false);
    }
  }

  function copy(source) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(textOf(source)).then(
        function () { return true; },
        function () { return copyBySelection(source); }
      );
    }
    return copyBySelection(source);
  }

  function addButton(source) {
    var row = document.createElement("p");
    row.className = "actions copy-link";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary";
    button.textContent = source.getAttribute("data-copy") || "Copy";
    var status = document.createElement("span");
    status.className = "copy-link__status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    row.append(button, status);
    source.insertAdjacentElement("afterend", row);

    var timer = null;
    button.addEventListener("click", function () {
      window.clearTimeout(timer);
      status.textContent = "";
      copy(source).then(function (copied) {
        if (copied) {
          status.textContent = "Copied to the clipboard.";
          timer = window.setTimeout(function () { status.textContent = ""; }, CLEAR_AFTER_MS);
        } else {
          select(source);
          status.textContent = "Copying failed. The text is selected: press Ctrl+C (⌘C on a Mac).";
        }
      });
    });
  }

  function init() {
    document.querySelectorAll("[data-copy]").forEach(addButton);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
