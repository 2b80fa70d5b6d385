import { initAll } from "../govuk/govuk-frontend.min.js";
import { initRegister } from "./register.mjs";

initAll();
initRegister();
