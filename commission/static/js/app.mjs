import { initAll } from "../govuk/govuk-frontend.min.js";
import { initAutocomplete } from "./autocomplete.mjs";
import { initRegister } from "./register.mjs";
import { initTimeoutWarning } from "./timeout-warning.mjs";

initAll();
initRegister();
initAutocomplete();
initTimeoutWarning(document.querySelector('[data-module="app-timeout-warning"]'));
