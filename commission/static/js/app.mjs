import { initAll } from "../govuk/govuk-frontend.min.js";
import { initAutocomplete } from "./autocomplete.mjs";
import { initRegister } from "./register.mjs";
import { initSelectAll } from "./select-all.mjs";
import { initTimeoutWarning } from "./timeout-warning.mjs";

initAll();
initRegister();
initAutocomplete();
initSelectAll();
initTimeoutWarning(document.querySelector('[data-module="app-timeout-warning"]'));
