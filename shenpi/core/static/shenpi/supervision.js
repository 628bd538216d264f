/* Electronic supervision's charts (ECharts), on the dashboard and the big screen. The figures
   come in the page (json_script "sv-figures"); the big screen fetches them again every minute.
   A click on a chart opens the cases behind it. */
(function () {
  "use strict";
  var COLOURS = { green: "#2e7d32", yellow: "#f9a825", red: "#c62828", severe: "#6a1b9a" };
  var charts = {};
  var screen = document.body.classList.contains("screen");
  var searchUrl = "/staff/search/";

  function chart(id) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return null;
    if (!charts[id]) {
      charts[id] = window.echarts.init(el, screen ? "dark" : null);
      window.addEventListener("resize", function () { charts[id].resize(); });
    }
    return charts[id];
  }

  function text(size) { return { fontSize: screen ? size * 1.8 : size }; }
  // The big screen: no animation (it redraws every minute) and the panel's own background.
  var base = screen ? { animation: false, backgroundColor: "transparent" } : {};
  function opts(o) { return Object.assign({}, base, o); }

  function draw(f) {
    var w = f.words, lights = ["green", "yellow", "red", "severe"];
    var pie = chart("chart-lights");
    if (pie) {
      pie.setOption(opts({
        tooltip: { trigger: "item" },
        series: [{ type: "pie", radius: ["40%", "70%"], label: text(12),
          data: lights.map(function (k) { return { name: w[k], value: f.lights[k], light: k, itemStyle: { color: COLOURS[k] } }; }) }]
      }));
      pie.off("click");
      pie.on("click", function (p) { window.location = searchUrl + "?light=" + p.data.light; });
    }
    var bars = chart("chart-departments");
    if (bars) {
      var depts = f.departments;
      bars.setOption(opts({
        tooltip: { trigger: "axis" }, legend: { textStyle: text(12) },
        grid: { left: 8, right: 8, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: depts.map(function (d) { return d.name; }),
                 axisLabel: Object.assign({ interval: 0, rotate: depts.length > 5 ? 30 : 0 }, text(12)) },
        yAxis: { type: "value", minInterval: 1, axisLabel: text(12) },
        series: ["yellow", "red", "severe"].map(function (k) {
          return { name: w[k], type: "bar", stack: "lights", itemStyle: { color: COLOURS[k] }, light: k,
                   data: depts.map(function (d) { return d[k]; }) };
        })
      }), true);
      bars.off("click");
      bars.on("click", function (p) {
        var light = ["yellow", "red", "severe"][p.seriesIndex];
        window.location = searchUrl + "?department=" + depts[p.dataIndex].id + "&light=" + light;
      });
    }
    var trend = chart("chart-trend");
    if (trend) {
      var labels = f.series;
      trend.setOption(opts({
        tooltip: { trigger: "axis" }, legend: { textStyle: text(12) },
        grid: { left: 8, right: 8, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: f.trend.map(function (t) { return t.week.slice(5); }), axisLabel: text(12) },
        yAxis: { type: "value", minInterval: 1, axisLabel: text(12) },
        series: ["received", "decided", "cards"].map(function (k) {
          return { name: labels[k], type: "line", smooth: true, data: f.trend.map(function (t) { return t[k]; }) };
        })
      }), true);
    }
    if (screen) {
      lights.forEach(function (k) {
        var el = document.querySelector('[data-light="' + k + '"]');
        if (el) el.textContent = f.lights[k];
      });
      var rate = document.getElementById("screen-rate");
      if (rate) rate.textContent = f.on_time_rate === null ? "—" : f.on_time_rate + "%";
    }
    document.body.setAttribute("data-charts", "drawn");
  }

  var data = document.getElementById("sv-figures");
  if (data) draw(JSON.parse(data.textContent));
  var refresh = document.body.getAttribute("data-refresh");
  if (refresh) {
    setInterval(function () {
      fetch(refresh, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; })
        .then(function (f) { if (f) draw(f); }).catch(function () {});
      var clock = document.getElementById("screen-clock");
      if (clock) clock.textContent = new Date().toLocaleString("zh-CN", { hour12: false });
    }, 60000);
  }
})();
