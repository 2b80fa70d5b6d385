// GOV.UK's accessible-autocomplete over a select marked
// data-module="app-autocomplete": type part of an option's text or of its
// group's label (a department) to find it. The select stays in the form and
// carries the value; without JavaScript it is an ordinary grouped select.
function entriesOf(select) {
  const entries = [];
  for (const option of select.options) {
    if (!option.value) continue;
    const group = option.parentElement.tagName === "OPTGROUP" ? option.parentElement.label : "";
    entries.push({ value: option.value, label: group ? `${option.text} (${group})` : option.text });
  }
  return entries;
}

export function initAutocomplete(root = document) {
  const library = window.accessibleAutocomplete;
  if (!library) return;
  for (const select of root.querySelectorAll('select[data-module="app-autocomplete"]')) {
    const entries = entriesOf(select);
    const labels = entries.map((entry) => entry.label);
    const chosen = entries.find((entry) => entry.value === select.value);
    library.enhanceSelectElement({
      selectElement: select,
      defaultValue: chosen ? chosen.label : "",
      showAllValues: true,
      source: (query, populate) => {
        const words = query.toLowerCase().split(/\s+/).filter(Boolean);
        populate(labels.filter((label) => words.every((word) => label.toLowerCase().includes(word))));
      },
      onConfirm: (label) => {
        const found = entries.find((entry) => entry.label === label);
        if (found) select.value = found.value;
      },
    });
  }
}
