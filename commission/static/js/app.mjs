import { initAll } from "../govuk/govuk-frontend.min.js";
import { initTimeoutWarning } from "./timeout-warning.mjs";

initAll();
initTimeoutWarning(document.querySelector('[data-module="app-timeout-warning"]'));
