import { initAll } from "../govuk/govuk-frontend.min.js";
import { initSelectAll } from "./select-all.mjs";

initAll();
initSelectAll();
