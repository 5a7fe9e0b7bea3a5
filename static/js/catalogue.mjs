// Progressive enhancement of the catalogue filters: on a small screen, with no
// filter chosen yet, fold the filter list away so results come first. Without
// JavaScript the list simply stays open.
export function foldFiltersOnSmallScreens(doc = document, win = window) {
  const filters = doc.getElementById("filters");
  if (!filters) return;
  const small = win.matchMedia("(max-width: 40.0525em)").matches;
  const anyChecked = filters.querySelector("input:checked") !== null;
  if (small && !anyChecked) filters.removeAttribute("open");
}
