/* Small SVG charts for the benchmarking pages: no library, no network, no build step.
 *
 * Why not Chart.js: the site must work offline and be checked by a browser test, and two chart
 * types (horizontal bars, lines over years) do not need 200 KB of canvas code. SVG elements are
 * in the page's DOM, so every bar and point has a <title> (hover text, screen readers, tests),
 * prints sharply, and is styled by benchmark.css.
 *
 * A page embeds its data as JSON:
 *   <script type="application/json" data-chart="bar" data-target="ID">
 *     {"title": "...", "unit": "count", "bars": [{"label", "value", "role", "note"}]}
 *   <script type="application/json" data-chart="line" data-target="ID">
 *     {"title": "...", "x": ["2022-23", ...], "series": [{"name", "role", "values": [...]}]}
 * and this script draws an <svg> into the element with that id. A null value is "no data":
 * no bar (the words "no data" instead), or a gap in a line. Nothing is ever drawn as zero.
 */
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var BAR = {height: 22, gap: 6, labelWidth: 210, valueWidth: 110, top: 30};
  var LINE = {height: 300, left: 56, right: 16, top: 44, bottom: 36, ticks: 5};
  var MIN_WIDTH = 480;
  var DEFAULT_WIDTH = 760;

  function el(name, attrs, parent, text) {
    var node = document.createElementNS(SVG_NS, name);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) { node.textContent = text; }
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function format(value) {
    return value === null || value === undefined ? "no data"
      : Number(value).toLocaleString("en-GB", {maximumFractionDigits: 2});
  }

  /* CSS class for a row's role: the council, a neighbour, or one of the averages. */
  function roleClass(role) {
    role = (role || "").toLowerCase();
    if (role.indexOf("this council") === 0) { return "role-council"; }
    if (role.indexOf("neighbours' average") === 0) { return "role-neighbours"; }
    if (role.indexOf("region") === 0) { return "role-region"; }
    if (role.indexOf("england") === 0) { return "role-england"; }
    return "role-neighbour";
  }

  function svgFor(target, width, height, title) {
    var svg = el("svg", {width: width, height: height, viewBox: "0 0 " + width + " " + height,
                         "class": "chart-svg", role: "img"});
    el("title", {}, svg, title);
    el("text", {x: 0, y: 16, "class": "chart-title"}, svg, title);
    target.innerHTML = "";
    target.appendChild(svg);
    return svg;
  }

  function niceMax(value) {
    if (!(value > 0)) { return 1; }
    var power = Math.pow(10, Math.floor(Math.log10(value)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) {
      if (steps[i] * power >= value) { return steps[i] * power; }
    }
    return 10 * power;
  }

  function barChart(target, spec) {
    var width = Math.max(MIN_WIDTH, target.clientWidth || DEFAULT_WIDTH);
    var bars = spec.bars || [];
    var height = BAR.top + bars.length * (BAR.height + BAR.gap);
    var svg = svgFor(target, width, height, spec.title || "");
    var plot = width - BAR.labelWidth - BAR.valueWidth;
    var max = niceMax(Math.max.apply(null, bars.map(function (b) { return b.value || 0; })));
    bars.forEach(function (bar, i) {
      var y = BAR.top + i * (BAR.height + BAR.gap);
      var group = el("g", {"class": "bar " + roleClass(bar.role), "data-value": bar.value === null ? "" : bar.value}, svg);
      el("title", {}, group, bar.label + ": " + format(bar.value) + (bar.note ? " (" + bar.note + ")" : ""));
      el("text", {x: BAR.labelWidth - 8, y: y + BAR.height * 0.7, "text-anchor": "end", "class": "bar-label"},
         group, bar.label);
      if (bar.value === null || bar.value === undefined) {
        el("text", {x: BAR.labelWidth + 4, y: y + BAR.height * 0.7, "class": "bar-missing"}, group,
           "no data" + (bar.note ? " \u00b7 " + bar.note : ""));
        return;
      }
      var length = Math.max(1, plot * bar.value / max);
      el("rect", {x: BAR.labelWidth, y: y, width: length, height: BAR.height, rx: 2, "class": "bar-rect"}, group);
      el("text", {x: BAR.labelWidth + length + 6, y: y + BAR.height * 0.7, "class": "bar-value"}, group,
         format(bar.value) + (bar.note && roleClass(bar.role) !== "role-neighbour" ? "  (" + bar.note + ")" : ""));
    });
  }

  /* Every year from the first to the last, so a missing year is a visible gap. */
  function allYears(periods) {
    var starts = periods.map(function (p) { return parseInt(p.slice(0, 4), 10); });
    var first = Math.min.apply(null, starts), last = Math.max.apply(null, starts), years = [];
    for (var y = first; y <= last; y++) { years.push(y + "-" + String((y + 1) % 100).padStart(2, "0")); }
    return years;
  }

  function lineChart(target, spec) {
    var width = Math.max(MIN_WIDTH, target.clientWidth || DEFAULT_WIDTH);
    var svg = svgFor(target, width, LINE.height, spec.title || "");
    var years = allYears(spec.x);
    var plotW = width - LINE.left - LINE.right, plotH = LINE.height - LINE.top - LINE.bottom;
    var values = [];
    spec.series.forEach(function (s) { s.values.forEach(function (v) { if (v !== null) { values.push(v); } }); });
    var max = niceMax(Math.max.apply(null, values.concat([0])));
    function xOf(period) {
      var i = years.indexOf(period);
      return LINE.left + (years.length === 1 ? plotW / 2 : plotW * i / (years.length - 1));
    }
    function yOf(value) { return LINE.top + plotH - plotH * value / max; }
    var axis = el("g", {"class": "axis"}, svg);
    for (var t = 0; t <= LINE.ticks; t++) {
      var v = max * t / LINE.ticks, y = yOf(v);
      el("line", {x1: LINE.left, x2: width - LINE.right, y1: y, y2: y, "class": "grid"}, axis);
      el("text", {x: LINE.left - 6, y: y + 4, "text-anchor": "end"}, axis, format(v));
    }
    years.forEach(function (period) {
      el("text", {x: xOf(period), y: LINE.height - LINE.bottom + 18, "text-anchor": "middle"}, axis, period);
    });
    var legendX = LINE.left, legendAt = spec.series.map(function (series) {
      var x = legendX;
      legendX += 24 + 7 * series.name.length;
      return x;
    });
    // Drawn last-first, so the council's line (the first series) is on top of the averages.
    spec.series.slice().reverse().forEach(function (series, back) {
      var x0 = legendAt[spec.series.length - 1 - back];
      var group = el("g", {"class": "series " + roleClass(series.role)}, svg);
      var byPeriod = {};
      spec.x.forEach(function (period, i) { byPeriod[period] = series.values[i]; });
      var path = "", pen = "M";
      years.forEach(function (period) {
        var value = byPeriod[period];
        if (value === null || value === undefined) { pen = "M"; return; }
        path += pen + xOf(period).toFixed(1) + " " + yOf(value).toFixed(1) + " ";
        pen = "L";
      });
      if (path) { el("path", {d: path, "class": "series-line", fill: "none"}, group); }
      years.forEach(function (period) {
        var value = byPeriod[period];
        if (value === null || value === undefined) { return; }
        var point = el("circle", {cx: xOf(period), cy: yOf(value), r: 4, "class": "series-point",
                                  "data-value": value}, group);
        el("title", {}, point, series.name + ", " + period + ": " + format(value));
      });
      var legend = el("g", {"class": "legend"}, group);
      el("rect", {x: x0, y: 26, width: 12, height: 4, "class": "legend-swatch"}, legend);
      el("text", {x: x0 + 16, y: 32}, legend, series.name);
    });
  }

  function drawAll() {
    var blocks = document.querySelectorAll("script[type='application/json'][data-chart]");
    Array.prototype.forEach.call(blocks, function (block) {
      var target = document.getElementById(block.getAttribute("data-target"));
      if (!target) { return; }
      try {
        var spec = JSON.parse(block.textContent);
        (block.getAttribute("data-chart") === "line" ? lineChart : barChart)(target, spec);
        target.setAttribute("data-drawn", "true");
      } catch (error) {
        target.textContent = "The chart could not be drawn: " + error.message;
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
