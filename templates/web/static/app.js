// kaartgen serve: the live preview of card 1, the date warnings, and the progress of a mailing.
// No framework, nothing loaded from elsewhere; the pages work without this file too.
"use strict";

function csrfToken(form) {
  const field = form.querySelector('input[name="csrf"]');
  return field ? field.value : "";
}

function setupClient() {
  const form = document.getElementById("client-form");
  if (!form) return;
  const image = document.getElementById("preview");
  const live = document.getElementById("live-error");
  const warning = document.getElementById("date-warning");
  const date = document.getElementById("date");
  let timer = null;
  let shown = null;
  let sequence = 0;

  function dateWarning() {
    const value = date.value;
    const texts = [];
    if (value) {
      // today is the server's date (its one clock), not this browser's; a past weekend day gets both
      const day = new Date(value + "T12:00:00");
      const today = new Date(warning.dataset.today + "T00:00:00");
      if (day < today) texts.push(warning.dataset.past);
      if (day.getDay() === 0 || day.getDay() === 6) texts.push(warning.dataset.weekend);
    }
    warning.textContent = texts.join(" ");
  }

  function describe(control, id, on) {
    // the error's id in the control's aria-describedby while it is shown, beside any hint
    const ids = (control.getAttribute("aria-describedby") || "").split(" ").filter((x) => x && x !== id);
    if (on) ids.unshift(id);
    if (ids.length) control.setAttribute("aria-describedby", ids.join(" "));
    else control.removeAttribute("aria-describedby");
  }

  function clearErrors() {
    live.hidden = true;
    live.textContent = "";
    form.querySelectorAll("p.error[id$='-error']").forEach((p) => {
      if (p === live) return;
      p.hidden = true;
      p.textContent = "";
      const control = document.getElementById(p.id.slice(0, -"-error".length));
      if (control) describe(control, p.id, false);
    });
    form.querySelectorAll('[aria-invalid="true"]').forEach((el) => el.removeAttribute("aria-invalid"));
  }

  function showErrors(problem) {
    // every field's error beside its field, once; what belongs to no field above the form
    Object.entries(problem.fields || {}).forEach(([name, text]) => {
      const p = document.getElementById(name + "-error");
      const control = document.getElementById(name);
      if (p) { p.textContent = text; p.hidden = false; }
      if (control) { control.setAttribute("aria-invalid", "true"); describe(control, name + "-error", true); }
    });
    live.textContent = problem.message || "";
    live.hidden = !problem.message;
  }

  async function refresh() {
    const mine = ++sequence;
    const data = new FormData(form);
    let response;
    try {
      response = await fetch("/preview", {method: "POST", body: data, headers: {"X-CSRF-Token": csrfToken(form)}});
    } catch (e) {
      return;
    }
    if (mine !== sequence) return;  // a newer preview is on its way
    if (response.ok) {
      clearErrors();
      const blob = await response.blob();
      if (shown) URL.revokeObjectURL(shown);
      shown = URL.createObjectURL(blob);
      image.src = shown;
      image.hidden = false;
    } else {
      let problem = {};
      try { problem = await response.json(); } catch (e) { /* not JSON */ }
      clearErrors();
      showErrors(problem);  // the preview keeps the last good card
    }
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  date.addEventListener("input", dateWarning);
  date.addEventListener("change", dateWarning);
  dateWarning();
  refresh();
}

function setupJob() {
  const job = document.getElementById("job");
  if (!job) return;
  const bar = document.getElementById("progress");
  const text = document.getElementById("progress-text");
  let leaving = false;  // the clerk pressed Stop: that page load wins over a reload from here
  document.addEventListener("submit", () => { leaving = true; });
  async function poll() {
    if (leaving) return;
    let status;
    try {
      status = await (await fetch(job.dataset.status)).json();
    } catch (e) {
      setTimeout(poll, 1000);
      return;
    }
    if (leaving) return;
    if (status.state !== "running" && status.state !== "checking") {
      window.location.reload();
      return;
    }
    bar.max = Math.max(status.total, 1);
    bar.value = status.done;
    const percent = status.total ? Math.round(100 * status.done / status.total) : 0;  // a pack is made, then merged
    bar.textContent = text.textContent = percent + " %";
    setTimeout(poll, 500);
  }
  poll();
}

document.addEventListener("DOMContentLoaded", () => { setupClient(); setupJob(); });
