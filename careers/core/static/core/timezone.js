/*
 * Chooses the browser's time zone in a time zone select marked `data-timezone-default`
 * (sign-up, and the profile and a new plan while they hold the default), and says so under
 * the field. Progressive enhancement: without this script the select keeps the default, and
 * a zone the user already chose is never changed.
 */
"use strict";

(function () {
  // The browser reports UTC under several names; none of them is worth a change.
  var UTC_NAMES = /^(Etc\/)?(UTC|UCT|GMT|Universal|Zulu)$/;
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone || UTC_NAMES.test(zone)) {
    return;
  }

  function preselect(select) {
    if (select.value !== select.dataset.timezoneDefault) {
      return;
    }
    var option = Array.prototype.find.call(select.options, function (candidate) {
      return candidate.value === zone;
    });
    if (!option) {
      return;
    }
    select.value = zone;
    var note = document.createElement("p");
    note.className = "field__help";
    note.id = select.id + "_detected";
    note.textContent = zone.replace(/_/g, " ") + " is your browser's time zone, so it is " +
      "chosen here. Change it if it is wrong.";
    select.insertAdjacentElement("afterend", note);
    var described = select.getAttribute("aria-describedby");
    select.setAttribute("aria-describedby", (described ? described + " " : "") + note.id);
  }

  document.querySelectorAll("select[data-timezone-default]").forEach(preselect);
})();
