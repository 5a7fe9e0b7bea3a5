// Starts the NHS.UK frontend components (header menu, skip link, buttons...).
import { initAll } from "../vendor/nhsuk-frontend-10.6.1/nhsuk-frontend.min.js";

initAll();
