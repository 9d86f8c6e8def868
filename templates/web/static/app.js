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
    let text = "";
    if (value) {
      // today is the server's date (its one clock), not this browser's
      const day = new Date(value + "T12:00:00");
      const today = new Date(warning.dataset.today + "T00:00:00");
      if (day < today) text = warning.dataset.past;
      else if (day.getDay() === 0 || day.getDay() === 6) text = warning.dataset.weekend;
    }
    warning.textContent = text;
  }

  function clearErrors() {
    live.hidden = true;
    live.textContent = "";
    form.querySelectorAll('[aria-invalid="true"]').forEach((el) => el.removeAttribute("aria-invalid"));
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
      live.textContent = problem.message || "";
      live.hidden = !problem.message;
      const field = problem.field && document.getElementById(problem.field);
      if (field) field.setAttribute("aria-invalid", "true");
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
