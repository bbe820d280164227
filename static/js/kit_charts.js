// The charts of a kit module's statistics (records.kit.statistics.chart_data): bars of the
// first measure's 总数 per area, and a pie of each dimension value's share of 合计. The data is
// the page's <script type="application/json" id="kit-chart-data"> (Django's json_script), so no
// inline script is needed (Content-Security-Policy). SVG renderer and no animation: the print
// view prints the finished charts, sharp at any scale.
(function () {
  "use strict";
  var source = document.getElementById("kit-chart-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var charts = [];
  var BAR_HEIGHT = 28;

  function draw(id, option, height) {
    var element = document.getElementById(id);
    if (!element) return;
    if (height) element.style.height = height + "px";
    var chart = window.echarts.init(element, null, { renderer: "svg", locale: "ZH" });
    chart.setOption(option);
    charts.push(chart);
  }

  // Horizontal bars: a unit's Chinese name reads along its bar, however many areas there are.
  var areas = data.areas.slice().reverse(); // the first area on top, as in the table
  draw("kit-chart-areas", {
    animation: false,
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: areas.map(function (a) { return a.name; }), axisLabel: { width: 150, overflow: "truncate" } },
    series: [{
      type: "bar", name: data.measure, data: areas.map(function (a) { return a.value; }),
      itemStyle: { color: "#b3261e" }, label: { show: true, position: "right" }
    }]
  }, Math.max(160, areas.length * BAR_HEIGHT + 40));

  draw("kit-chart-shares", {
    animation: false,
    tooltip: { trigger: "item", formatter: "{b}:{c}({d}%)" },
    title: data.shares.length ? undefined : { text: "没有可统计的记录", left: "center", top: "middle", textStyle: { fontSize: 14, color: "#5f6368" } },
    series: [{
      type: "pie", name: data.measure, radius: ["0%", "62%"], data: data.shares,
      label: { formatter: "{b}\n{d}%" }
    }]
  });

  function resize() { charts.forEach(function (chart) { chart.resize(); }); }
  window.addEventListener("resize", resize);
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
})();
