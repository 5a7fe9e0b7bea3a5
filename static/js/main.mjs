// Starts the NHS.UK frontend components the site uses (header menu, skip link,
// buttons...: static/vendor/nhsuk-frontend.scss lists them) and this site's own
// small enhancements. The file name has no version in it: a refresh rewrites it
// and collectstatic gives it a new fingerprinted name.
import { initAll } from "../vendor/nhsuk-frontend/nhsuk-frontend.min.js";
import { openFiltersOnWideScreens } from "./catalogue.mjs";
import { enableCopyButtons } from "./copy.mjs";

initAll();
openFiltersOnWideScreens();
enableCopyButtons();
