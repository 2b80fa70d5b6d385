import { initAll } from "../govuk/govuk-frontend.min.js";
import { initAutocomplete } from "./autocomplete.mjs";
import { initRegister } from "./register.mjs";

initAll();
initRegister();
initAutocomplete();
