// The register, improved: a "select all shown" box above the rows and the
// count present kept up to date as marks are chosen (before saving). The page
// works without it: every row has its own check box and mark.
const PRESENT = new Set(["in_person", "remote", "substitute"]);

function addSelectAll(form) {
  const boxes = [...form.querySelectorAll('input[name="selected"]')];
  const actions = form.querySelector("[data-register-actions]");
  if (!boxes.length || !actions) return;
  const item = document.createElement("div");
  item.className = "govuk-checkboxes govuk-checkboxes--small govuk-!-margin-bottom-4";
  const row = document.createElement("div");
  row.className = "govuk-checkboxes__item";
  const all = document.createElement("input");
  all.className = "govuk-checkboxes__input";
  all.type = "checkbox";
  all.id = "select-all";
  const label = document.createElement("label");
  label.className = "govuk-label govuk-checkboxes__label";
  label.htmlFor = all.id;
  label.textContent = `Select all ${boxes.length} shown`;
  row.append(all, label);
  item.append(row);
  actions.before(item);
  const sync = () => {
    all.checked = boxes.every((box) => box.checked);
  };
  all.addEventListener("change", () => {
    for (const box of boxes) box.checked = all.checked;
  });
  for (const box of boxes) box.addEventListener("change", sync);
  sync();
}

function keepCount(form) {
  const status = document.getElementById("register-status");
  if (!status) return;
  const elsewhere = Number(form.dataset.presentElsewhere || 0);
  const members = Number(form.dataset.members || 0);
  const required = Number(form.dataset.required || 0);
  const update = () => {
    const shown = [...form.querySelectorAll('select[name^="mark-"]')].filter((select) =>
      PRESENT.has(select.value),
    ).length;
    const present = elsewhere + shown;
    const verdict = present >= required ? "the meeting is quorate" : "not yet quorate";
    status.textContent = `${present} of ${members} member authorities present (not saved yet). Quorum is ${required}: ${verdict}.`;
  };
  form.addEventListener("change", (event) => {
    if (event.target.matches('select[name^="mark-"]')) update();
  });
}

export function initRegister(root = document) {
  for (const form of root.querySelectorAll('form[data-module="app-register"]')) {
    addSelectAll(form);
    keepCount(form);
  }
}
