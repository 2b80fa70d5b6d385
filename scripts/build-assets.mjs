// Copies GOV.UK Frontend's built files into commission/static/govuk/ (and
// accessible-autocomplete's into commission/static/autocomplete/) so the app
// serves them itself. Built assets are not committed; `make assets` runs this.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const out = join(root, "commission", "static", "govuk");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const file of ["govuk-frontend.min.css", "govuk-frontend.min.css.map", "govuk-frontend.min.js", "govuk-frontend.min.js.map"]) {
  cpSync(join(dist, file), join(out, file));
}
cpSync(join(dist, "assets"), join(out, "assets"), { recursive: true });
console.log(`GOV.UK Frontend assets copied to ${out}`);

// GOV.UK's accessible-autocomplete: the type-ahead over a long select (the
// ministers' offices), which stays a plain select without JavaScript.
const autocompleteDist = join(root, "node_modules", "accessible-autocomplete", "dist");
const autocompleteOut = join(root, "commission", "static", "autocomplete");
rmSync(autocompleteOut, { recursive: true, force: true });
mkdirSync(autocompleteOut, { recursive: true });
for (const file of ["accessible-autocomplete.min.js", "accessible-autocomplete.min.js.map", "accessible-autocomplete.min.css", "accessible-autocomplete.min.css.map"]) {
  cpSync(join(autocompleteDist, file), join(autocompleteOut, file));
}
console.log(`accessible-autocomplete copied to ${autocompleteOut}`);
