// The catalogue's filters are folded on phones and shown beside the results on
// wider screens by CSS alone (site.css, ::details-content). A browser without
// ::details-content would show them folded on a wide screen too: open them there.
export function openFiltersOnWideScreens(doc = document, win = window) {
  const filters = doc.getElementById("filters");
  if (!filters || win.CSS?.supports?.("selector(::details-content)")) return;
  if (win.matchMedia("(min-width: 40.0625em)").matches) filters.setAttribute("open", "");
}
