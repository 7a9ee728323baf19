/* 发展党员全程纪实 — the few page behaviours, as a static file: the Content Security Policy allows
 * no inline script and no on*= handlers (config/settings/base.py). Loaded by base.html on every page.
 *
 *   <button data-action="print">                  prints the page
 *   <a data-keep-query href="/export/?…">          on click, takes the page's current query string
 *                                                  (htmx filters push it to the address bar)
 *   <input type="checkbox" data-select-all=".row-check">   checks or clears every matching box
 *   <input data-idcard data-birth-field="id_birth_date" data-gender-field="id_gender">
 *                                                  as an 18-digit 公民身份号码 is typed, fills the
 *                                                  出生日期 (digits 7–14) and 性别 (digit 17: odd 男,
 *                                                  even 女); the server still checks them (E02)
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

  // The birth date and sex a 公民身份号码 (GB 11643) states, or null while it is incomplete or
  // names no real date.
  function idcardFacts(value) {
    var number = value.trim().toUpperCase();
    if (!/^\d{17}[\dX]$/.test(number)) return null;
    var y = +number.slice(6, 10), m = +number.slice(10, 12), d = +number.slice(12, 14);
    var day = new Date(Date.UTC(y, m - 1, d));
    if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return null;
    return {
      birth: number.slice(6, 10) + "-" + number.slice(10, 12) + "-" + number.slice(12, 14),
      gender: +number.charAt(16) % 2 === 1 ? "M" : "F",
    };
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.hasAttribute("data-idcard")) return;
    var facts = idcardFacts(input.value);
    if (!facts) return;
    var birth = document.getElementById(input.dataset.birthField);
    var gender = document.getElementById(input.dataset.genderField);
    if (birth) birth.value = facts.birth;
    if (gender) gender.value = facts.gender;
  });

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.dataset.selectAll) return;
    document.querySelectorAll(box.dataset.selectAll).forEach(function (other) {
      other.checked = box.checked;
    });
  });
})();
