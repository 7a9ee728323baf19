/* 发展党员全程纪实 — the few page behaviours, as a static file: the Content Security Policy allows
 * no inline script and no on*= handlers (config/settings/base.py). Loaded by base.html on every page.
 *
 *   <button data-action="print">                  prints the page
 *   <a data-keep-query href="/export/?…">          on click, takes the page's current query string
 *                                                  (htmx filters push it to the address bar)
 *   <input type="checkbox" data-select-all=".row-check">   checks or clears every matching box
 */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    if (target.closest("[data-action='print']")) {
      window.print();
      return;
    }
    var link = target.closest("a[data-keep-query]");
    if (link) link.search = window.location.search;
  });

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.dataset.selectAll) return;
    document.querySelectorAll(box.dataset.selectAll).forEach(function (other) {
      other.checked = box.checked;
    });
  });
})();
