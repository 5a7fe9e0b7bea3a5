// The editing interface's accessibility additions (issue 21), a static file for the
// strict content security policy. Loaded by templates/admin/base_site.html.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // An error summary takes focus when the page opens, so it is read first and
  // Tab goes on to its links (templates/admin/change_form.html).
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();

  // Tick-box groups with many boxes get a filter: type part of a name to show only
  // the boxes that match. Ticked boxes always stay shown, so nothing is hidden that
  // the save would keep.
  document.querySelectorAll(".checkbox-group").forEach((group, index) => {
    const boxes = [...group.querySelectorAll("input[type=checkbox]")];
    if (boxes.length < 12) return;
    const name = group.getAttribute("aria-label");
    const wrap = document.createElement("div");
    wrap.className = "checkbox-group-filter";
    const label = document.createElement("label");
    const id = `checkbox-group-filter-${index}`;
    label.htmlFor = id;
    label.textContent = `Show only ${name.toLowerCase()} containing`;
    const input = document.createElement("input");
    input.type = "search";
    input.id = id;
    const status = document.createElement("span");
    status.setAttribute("role", "status");
    status.className = "checkbox-group-count";
    input.addEventListener("input", () => {
      const words = input.value.trim().toLowerCase();
      let shown = 0;
      boxes.forEach((box) => {
        const row = box.closest("div") || box.parentElement;
        const show = !words || box.checked || row.textContent.toLowerCase().includes(words);
        row.hidden = !show;
        if (show) shown += 1;
      });
      status.textContent = words ? ` ${shown} of ${boxes.length} shown` : "";
    });
    // Enter in the filter would submit the whole form.
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault();
    });
    wrap.append(label, " ", input, status);
    group.prepend(wrap);
  });

  // A row added with "Add another" is named for its place ("Partner 3: role"), like
  // the rows the server drew (programmes/admin.py, named_rows).
  document.addEventListener("formset:added", (event) => {
    const row = event.target;
    const rows = row.parentElement.querySelectorAll("tr.form-row:not(.empty-form)");
    const number = [...rows].indexOf(row) + 1;
    row.querySelectorAll("[data-row-label]").forEach((control) => {
      const [name, field] = control.dataset.rowLabel.split("|");
      const start = name.charAt(0).toUpperCase() + name.slice(1);
      control.setAttribute("aria-label", `${start} ${number}: ${field}`);
    });
  });
});

// Django's list filters for permissions and groups (SelectFilter2.js, run at "load")
// name their search boxes with an aria-label on a bare span, which ARIA does not allow:
// as an image, the span keeps that name for the box.
window.addEventListener("load", () => {
  document.querySelectorAll(".search-label-icon[aria-label]").forEach((icon) => {
    icon.setAttribute("role", "img");
  });
});
