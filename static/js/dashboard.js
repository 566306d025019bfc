/* The dashboard's charts in the vendored ECharts (static/vendor/echarts, no CDN). Each figure
   holds the server-drawn SVG of the same data; with ECharts loaded it is replaced by an
   interactive chart. Data comes from the page's JSON (json_script), never from inline script. */
(function () {
  var source = document.getElementById("dashboard-charts");
  if (!source || !window.echarts) { return; }
  var charts = JSON.parse(source.textContent);
  var num = function (v) { return v === null || v === undefined ? null : Number(v); };
  var font = { fontFamily: "Noto Sans CJK SC, Microsoft YaHei, sans-serif" };

  function options(chart) {
    if (chart.kind === "bar") {
      return {
        textStyle: font, tooltip: { trigger: "axis" }, grid: { left: 40, right: 10, top: 34, bottom: 50, containLabel: true },
        xAxis: { type: "category", data: chart.items.map(function (i) { return i[0]; }), axisLabel: { interval: 0, rotate: 40 } },
        yAxis: { type: "value", name: chart.unit },
        series: [{ type: "bar", data: chart.items.map(function (i) { return num(i[1]); }), itemStyle: { color: "#1f6feb" },
          label: { show: true, position: "top" } }]
      };
    }
    if (chart.kind === "trend") {
      return {
        textStyle: font, tooltip: { trigger: "axis" }, grid: { left: 40, right: 10, top: 34, bottom: 40, containLabel: true },
        xAxis: { type: "category", data: chart.points.map(function (p) { return p[0]; }) },
        yAxis: { type: "value", name: chart.unit },
        series: [{ type: "line", connectNulls: false, data: chart.points.map(function (p) { return num(p[1]); }),
          itemStyle: { color: "#1a7f37" }, label: { show: true } }]
      };
    }
    if (chart.kind === "levels") {
      var series = chart.series.map(function (s) {
        var total = s[1].reduce(function (a, b) { return a + Number(b); }, 0) || 1;
        return { name: s[0], type: "bar", data: s[1].map(function (v) { return Math.round(Number(v) * 1000 / total) / 10; }),
          label: { show: true, position: "right", formatter: "{c}%" } };
      });
      return {
        textStyle: font, tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
        legend: { top: 0 }, grid: { left: 10, right: 40, top: 30, bottom: 10, containLabel: true },
        xAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
        yAxis: { type: "category", data: chart.labels }, series: series
      };
    }
    if (chart.kind === "map") {
      var values = Object.keys(chart.values).map(function (code) { return num(chart.values[code]) || 0; });
      return {
        textStyle: font, tooltip: { trigger: "item", formatter: function (p) { return p.name + "：" + (isNaN(p.value) ? "/" : p.value + chart.unit); } },
        visualMap: { min: 0, max: Math.max.apply(null, values.concat([1])), calculable: true, left: 0, bottom: 0, inRange: { color: ["#e6f0fb", "#1f6feb"] } },
        series: [{ type: "map", map: "jiangxi", label: { show: true, fontSize: 10 }, layoutCenter: ["55%", "50%"], layoutSize: "98%",
          data: Object.keys(chart.values).map(function (code) { return { name: (chart.names || {})[code] || code, value: num(chart.values[code]) }; }) }]
      };
    }
    return null;
  }

  function draw(figure, chart) {
    var body = figure.querySelector(".chart-body");
    var box = document.createElement("div");
    box.className = "chart-canvas";
    body.replaceChildren(box);
    var instance = window.echarts.init(box, null, { renderer: "svg" });
    instance.setOption(options(chart));
    window.addEventListener("resize", function () { instance.resize(); });
    figure.setAttribute("data-echarts", "ready");
  }

  var mapUrl = document.getElementById("dashboard-map-url");
  document.querySelectorAll("figure.chart").forEach(function (figure) {
    var chart = charts[Number(figure.getAttribute("data-index"))];
    if (!chart || !options(chart)) { return; }
    if (chart.kind !== "map") { draw(figure, chart); return; }
    fetch(mapUrl.getAttribute("data-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (geo) {
        chart.names = {};
        geo.features.forEach(function (f) { chart.names[f.id] = f.properties.name; });
        window.echarts.registerMap("jiangxi", geo);
        draw(figure, chart);
      })
      .catch(function () { /* the server-drawn map stays */ });
  });
})();
