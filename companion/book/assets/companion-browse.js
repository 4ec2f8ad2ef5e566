/* Sorting and URL filters of the data browser (companion/book/browser.py copies this file
   into _static/ and adds it to the browse pages only).
   The URL scheme is documented in companion/links.py. */
(function () {
  "use strict";
  var meta = JSON.parse(document.getElementById("companion-browse-data").textContent);
  var table = document.querySelector("table.companion-browse-table");
  var controls = document.getElementById("companion-browse-controls");
  var box = document.getElementById("companion-browse-filter");
  var status = document.getElementById("companion-browse-status");
  var reset = document.getElementById("companion-browse-reset");
  if (!table || !controls) { return; }
  if (typeof Tablesort === "function") { new Tablesort(table); }
  var byAnchor = {};
  meta.rows.forEach(function (row) { byAnchor[row.anchor] = row; });

  function rawParameter(name) {
    // ids are split on the raw commas before decoding, so an encoded comma stays in an id.
    var found = null;
    window.location.search.replace(/^\?/, "").split("&").forEach(function (pair) {
      var cut = pair.indexOf("="), key = cut < 0 ? pair : pair.slice(0, cut);
      if (decodeURIComponent(key) === name) { found = cut < 0 ? "" : pair.slice(cut + 1); }
    });
    return found;
  }

  function apply() {
    var params = new URLSearchParams(window.location.search);
    var rawIds = rawParameter("ids");
    var ids = rawIds === null ? null : rawIds.split(",").filter(Boolean).map(function (part) {
      return decodeURIComponent(part.replace(/\+/g, " "));
    });
    var query = (params.get("filter") || "").toLowerCase();
    var where = [];
    params.forEach(function (value, key) {
      var index = meta.columns.indexOf(key);
      if (index >= 0 && key !== "ids" && key !== "filter") { where.push([index, key, value]); }
    });
    var wanted = ids === null ? null : new Set(ids);
    var seen = new Set(), shown = 0, total = 0;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (tr) {
      var row = byAnchor[tr.id];
      if (!row) { return; }
      total += 1;
      var keep = true;
      if (wanted !== null) { keep = wanted.has(row.id); if (keep) { seen.add(row.id); } }
      if (keep && query) {
        keep = tr.textContent.toLowerCase().indexOf(query) >= 0 ||
          row.values.join("\u0001").toLowerCase().indexOf(query) >= 0;
      }
      where.forEach(function (w) { if (keep && row.values[w[0]] !== w[2]) { keep = false; } });
      tr.hidden = !keep;
      if (keep) { shown += 1; }
    });
    var parts = [];
    if (wanted !== null) { parts.push("the " + wanted.size + " row" + (wanted.size === 1 ? "" : "s") + " named in the link"); }
    if (query) { parts.push("text \u201c" + params.get("filter") + "\u201d"); }
    where.forEach(function (w) { parts.push(w[1] + " = " + w[2]); });
    var message = "Showing " + shown + " of " + total + " rows" + (parts.length ? " (" + parts.join("; ") + ")" : "") + ".";
    if (wanted !== null) {
      var missing = ids.filter(function (id) { return !seen.has(id); });
      if (missing.length) { message += " Not in this table: " + missing.join(", ") + "."; }
    }
    status.textContent = message;
    reset.hidden = parts.length === 0;
    if (box.value.toLowerCase() !== query) { box.value = params.get("filter") || ""; }
  }

  box.addEventListener("input", function () {
    var params = new URLSearchParams(window.location.search);
    if (box.value) { params.set("filter", box.value); } else { params.delete("filter"); }
    var search = params.toString().replace(/%2C/g, ",");
    history.replaceState(null, "", window.location.pathname + (search ? "?" + search : "") + window.location.hash);
    apply();
  });
  reset.addEventListener("click", function (event) {
    event.preventDefault();
    history.replaceState(null, "", window.location.pathname);
    box.value = "";
    apply();
  });
  window.addEventListener("popstate", apply);
  controls.hidden = false;
  apply();
  if (window.location.hash) {
    var target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    if (target) { target.scrollIntoView(); }
  }
})();
