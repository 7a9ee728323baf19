/* Charts of the statistics boards (Apache ECharts, vendored in static/vendor/echarts).
 *
 *   <div data-chart="ID"></div>  draws the chart whose data is in <script type="application/json" id="ID">
 *                                (Django's json_script): {kind: "bar"|"line"|"pie", categories, series}.
 *
 * Every chart's numbers are also in a table on the page (screen readers, print). The data is never
 * evaluated, only parsed: the Content Security Policy allows no inline script.
 */
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") return;

  function option(data) {
    if (data.kind === "pie") {
      return {
        tooltip: { trigger: "item" },
        legend: { bottom: 0 },
        series: [{
          type: "pie",
          radius: ["35%", "65%"],
          data: data.series.map(function (s) {
            return { name: s.name, value: s.value, itemStyle: { color: s.color } };
          }),
        }],
      };
    }
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 40, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: data.categories, axisLabel: { interval: 0, rotate: data.categories.length > 8 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (s) {
        return { name: s.name, type: data.kind, stack: data.stacked ? "total" : undefined, data: s.data };
      }),
    };
  }

  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var source = document.getElementById(el.dataset.chart);
    if (!source) return;
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option(JSON.parse(source.textContent)));
    el.dataset.rendered = "true";
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
  window.addEventListener("beforeprint", function () {
    charts.forEach(function (c) { c.resize({ width: 640 }); });
  });
  window.addEventListener("afterprint", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
