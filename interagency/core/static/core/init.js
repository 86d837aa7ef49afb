// Start GOV.UK Frontend's components once the module has loaded.
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
