// Copies GOV.UK Frontend's built files into commission/static/govuk/ so the app
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
