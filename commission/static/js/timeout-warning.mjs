// The timeout warning (GOV.UK's pattern, as HMRC's timeout dialog does it).
//
// A session ends, and a page's form token runs out, a fixed time after the
// page was shown with no other request. Before that, a modal dialog says so
// and counts down; "Stay signed in" asks the server to start the time again
// (POST to the keep-alive address) and puts the new form token in every form
// on the page, so what the person is typing can still be sent. If the time
// runs out, the dialog says so; nothing is thrown away (the server keeps a
// form sent late through signing in again), so the page is not left.
//
// The dialog is a native <dialog> opened with showModal(): the rest of the
// page is inert, focus moves into the dialog and Escape is treated as "stay
// signed in", as the pattern advises. The countdown is read out through a
// polite live region once a minute, and every 15 seconds in the last minute,
// rather than every second.

const SPOKEN_EVERY_LAST_MINUTE = 15;

function words(seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

export function initTimeoutWarning(dialog) {
  if (!dialog || typeof dialog.showModal !== "function") {
    return;
  }
  const limit = Number(dialog.dataset.timeLimit);
  const warning = Math.min(Number(dialog.dataset.warning), limit);
  if (!(limit > 0)) {
    return;
  }
  const countdown = dialog.querySelector("[data-timeout-countdown]");
  const spoken = dialog.querySelector("[data-timeout-spoken]");
  const heading = dialog.querySelector("[data-timeout-heading]");
  const stay = dialog.querySelector("[data-timeout-stay]");
  const close = dialog.querySelector("[data-timeout-close]");
  let token = dialog.dataset.csrfToken;
  let endsAt = Date.now() + limit * 1000;
  let timer = null;
  let lastSpoken = null;
  let returnFocusTo = null;

  function show(part, visible) {
    dialog.querySelectorAll(`[data-timeout-${part}]`).forEach((element) => {
      element.hidden = !visible;
    });
  }

  function tick() {
    const left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    if (left === 0) {
      signedOut();
      return;
    }
    if (left <= warning && !dialog.open) {
      returnFocusTo = document.activeElement;
      lastSpoken = null;
      dialog.showModal();
      stay.focus();
    }
    if (dialog.open) {
      countdown.textContent = words(left);
      const phrase = left >= 60 ? words(left) : words(Math.ceil(left / SPOKEN_EVERY_LAST_MINUTE) * SPOKEN_EVERY_LAST_MINUTE);
      if (phrase !== lastSpoken) {
        lastSpoken = phrase;
        spoken.textContent = `We will sign you out in ${phrase}.`;
      }
    }
  }

  function start() {
    window.clearInterval(timer);
    timer = window.setInterval(tick, 1000);
  }

  function closeDialog() {
    if (dialog.open) {
      dialog.close();
    }
    if (returnFocusTo && typeof returnFocusTo.focus === "function") {
      returnFocusTo.focus();
    }
  }

  function signedOut() {
    window.clearInterval(timer);
    heading.textContent = "You have been signed out";
    show("before", false);
    show("after", true);
    stay.hidden = true;
    close.hidden = false;
    if (!dialog.open) {
      returnFocusTo = document.activeElement;
      dialog.showModal();
    }
    close.focus();
  }

  async function staySignedIn() {
    stay.disabled = true;
    try {
      const response = await fetch(dialog.dataset.keepAliveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token, Accept: "application/json" },
      });
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok || !type.includes("application/json")) {
        signedOut();
        return;
      }
      const answer = await response.json();
      token = answer.csrf_token;
      document.querySelectorAll('input[name="csrf_token"]').forEach((input) => {
        input.value = token;
      });
      endsAt = Date.now() + Number(answer.expires_in) * 1000;
      closeDialog();
      start();
    } catch {
      signedOut();
    } finally {
      stay.disabled = false;
    }
  }

  stay.addEventListener("click", staySignedIn);
  close.addEventListener("click", closeDialog);
  dialog.addEventListener("cancel", (event) => {
    // Escape: as "Stay signed in" while there is time, else as "Continue".
    event.preventDefault();
    if (stay.hidden) {
      closeDialog();
    } else {
      staySignedIn();
    }
  });
  start();
}
