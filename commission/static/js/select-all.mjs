// "Select all shown": a button that ticks (or clears) every check box of a
// list shown on the page. Without JavaScript there is no button, and the form
// offers the same choice as a radio ("All the comments these filters show").
export function initSelectAll(root = document) {
  for (const holder of root.querySelectorAll('[data-module="app-select-all"]')) {
    const name = holder.dataset.selectAllName;
    const boxes = () =>
      Array.from(document.querySelectorAll(`input[type="checkbox"][name="${name}"]`));
    if (!boxes().length) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "govuk-button govuk-button--secondary govuk-!-margin-bottom-4";
    const label = () => {
      const all = boxes().every((box) => box.checked);
      button.textContent = all ? "Clear the selection" : "Select all shown";
    };
    button.addEventListener("click", () => {
      const tick = !boxes().every((box) => box.checked);
      for (const box of boxes()) box.checked = tick;
      label();
    });
    for (const box of boxes()) box.addEventListener("change", label);
    label();
    holder.appendChild(button);
  }
}
