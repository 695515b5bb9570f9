// The console works without this script; it adds: times in the reader's own time zone, live scan progress, the shared
// pause state, and keeping what was typed when a session has ended (the form is not sent into a sign-in redirect: the
// page signs in again, then refills).
"use strict";
(function () {
  var AJAX = { "X-Requested-With": "JavaScript" };

  // The server writes UTC; the reader sees their own time, with UTC kept as the tooltip.
  var LOCAL_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
  document.querySelectorAll("time[datetime]").forEach(function (time) {
    var at = new Date(time.dateTime);
    if (!isNaN(at)) {
      time.title = time.textContent;
      time.textContent = LOCAL_TIME.format(at);
    }
  });

  function draftKey(field) {
    return "relink-draft:" + location.pathname + ":" + (field.form ? field.form.getAttribute("action") : "") + ":" + field.name;
  }

  document.querySelectorAll("[data-draft]").forEach(function (field) {
    var saved = sessionStorage.getItem(draftKey(field));
    if (saved !== null) { field.value = saved; }
    field.addEventListener("input", function () { sessionStorage.setItem(draftKey(field), field.value); });
    field.addEventListener("change", function () { sessionStorage.setItem(draftKey(field), field.value); });
  });

  function sessionEnded() {
    var note = document.getElementById("session-ended");
    if (note) { note.hidden = false; }
    location.assign(location.pathname + location.search); // a plain navigation: the sign-in redirect is allowed
  }

  document.querySelectorAll("form.action").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.checked === "yes") { return; }
      event.preventDefault();
      var submitter = event.submitter;
      fetch("/console/session", { headers: AJAX, credentials: "same-origin", cache: "no-store" }).then(function (answer) {
        if (answer.status === 204) {
          form.querySelectorAll("[data-draft]").forEach(function (field) { sessionStorage.removeItem(draftKey(field)); });
          form.dataset.checked = "yes";
          if (submitter && submitter.name) {
            var pressed = document.createElement("input");
            pressed.type = "hidden"; pressed.name = submitter.name; pressed.value = submitter.value;
            form.appendChild(pressed);
          }
          form.submit();
        } else {
          sessionEnded();
        }
      }, sessionEnded);
    });
  });

  function poll(url, every, show) {
    function tick() {
      fetch(url, { headers: AJAX, credentials: "same-origin", cache: "no-store" }).then(function (answer) {
        if (answer.status === 499) { sessionEnded(); return null; }
        return answer.ok && answer.status !== 204 ? answer.json() : null;
      }).then(function (body) {
        if (body && show(body) === false) { return; }
        setTimeout(tick, every);
      }, function () { setTimeout(tick, every * 3); });
    }
    tick();
  }

  var progress = document.getElementById("progress");
  if (progress && progress.dataset.running === "true") {
    poll(progress.dataset.progressUrl, 1000, function (p) {
      progress.querySelectorAll("[data-field]").forEach(function (span) {
        var name = span.dataset.field;
        if (name === "eta") {
          span.textContent = p.etaSeconds !== null ? "About " + p.etaSeconds + " s left." : "";
        } else if (p[name] !== undefined) {
          span.textContent = p[name];
        }
      });
      var bar = document.getElementById("scan-progress");
      if (p.percent !== null) { bar.value = p.percent; bar.textContent = p.percent + "%"; }
      if (!p.running) { location.reload(); return false; }
    });
  }

  var state = document.getElementById("campaign-state");
  if (state) {
    poll(state.dataset.stateUrl, 3000, function (s) {
      state.hidden = !s.paused;
      state.textContent = s.paused ? "Sending is paused" + (s.changedBy ? " by " + s.changedBy : "") + (s.reason ? ": " + s.reason : "") + "." : "";
    });
  }
})();
