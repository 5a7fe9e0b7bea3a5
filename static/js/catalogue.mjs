// Progressive enhancement of the catalogue filters: on a small screen, fold the
// filter list away so results come first (the chosen filters are listed above
// the results, each removable). Without JavaScript the list stays open, and a
// "Skip to results" link jumps past it.
export function foldFiltersOnSmallScreens(doc = document, win = window) {
  const filters = doc.getElementById("filters");
  if (!filters) return;
  const small = win.matchMedia("(max-width: 40.0525em)").matches;
  if (small) filters.removeAttribute("open");
}
