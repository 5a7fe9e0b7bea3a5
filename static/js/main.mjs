// Starts the NHS.UK frontend components (header menu, skip link, buttons...)
// and this site's own small enhancements.
import { initAll } from "../vendor/nhsuk-frontend-10.6.1/nhsuk-frontend.min.js";
import { openFiltersOnWideScreens } from "./catalogue.mjs";
import { enableCopyButtons } from "./copy.mjs";

initAll();
openFiltersOnWideScreens();
enableCopyButtons();
