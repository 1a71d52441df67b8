/* Small SVG charts for the benchmarking pages: no library, no network, no build step.
 *
 * Why not Chart.js: the site must work offline and be checked by a browser test, and two chart
 * types (horizontal bars, lines over years) do not need 200 KB of canvas code. SVG elements are
 * in the page's DOM, so every bar and point has a <title> (hover text, tests), prints sharply,
 * and is styled by benchmark.css.
 *
 * A page embeds its data as JSON:
 *   <script type="application/json" data-chart="bar" data-target="ID">
 *     {"title": "...", "unit": "count", "bars": [{"label", "value", "role", "note", "weak"}]}
 *   <script type="application/json" data-chart="line" data-target="ID">
 *     {"title": "...", "x": ["2022-23", ...], "series": [{"name", "role", "values": [...]}]}
 * and this script draws an <svg> into the element with that id. A null value is "no data":
 * no bar (the words "no data" instead), or a gap in a line. Nothing is ever drawn as zero.
 *
 * Read without sight or colour: each chart is one image whose text alternative (<desc>) lists
 * every value; an average of too few councils ("weak") is hatched and says so; the lines differ
 * in dash and marker shape as well as colour, and a line equal to another is still seen (the
 * council's is drawn wide underneath, the averages narrow on top). Narrow screens (a phone)
 * get the labels above the bars.
 */
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var BAR = {height: 20, gap: 8, labelWidth: 210, valueWidth: 190, top: 30, stackedLabel: 16};
  var LINE = {plot: 210, left: 56, right: 36, legendTop: 30, legendLine: 18, gap: 26, bottom: 36, ticks: 5};
  var NARROW = 560;
  var DEFAULT_WIDTH = 760;
  var STYLE = {  // line dash and marker shape per role: the series differ without colour
    "role-council": {dash: "", marker: "circle"},
    "role-neighbours": {dash: "7 4", marker: "square"},
    "role-region": {dash: "2 3", marker: "triangle"},
    "role-england": {dash: "10 3 2 3", marker: "diamond"}
  };
  var counter = 0;

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

  /* One image with a title and a description that carries every value. */
  function svgFor(target, width, height, title, description) {
    var id = "chart-" + (++counter);
    var svg = el("svg", {width: "100%", height: height, viewBox: "0 0 " + width + " " + height,
                         "class": "chart-svg", role: "img", "aria-labelledby": id + "-title " + id + "-desc",
                         preserveAspectRatio: "xMinYMin meet"});
    el("title", {id: id + "-title"}, svg, title);
    el("desc", {id: id + "-desc"}, svg, description);
    var defs = el("defs", {}, svg);
    var hatch = el("pattern", {id: id + "-weak", width: 6, height: 6, patternUnits: "userSpaceOnUse",
                               patternTransform: "rotate(45)"}, defs);
    el("rect", {width: 6, height: 6, "class": "hatch-ground"}, hatch);
    el("line", {x1: 0, y1: 0, x2: 0, y2: 6, "class": "hatch-line"}, hatch);
    el("text", {x: 0, y: 16, "class": "chart-title", "aria-hidden": "true"}, svg, title);
    target.innerHTML = "";
    target.appendChild(svg);
    return {svg: svg, hatch: "url(#" + id + "-weak)"};
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

  function barText(bar) {
    return bar.label + ": " + format(bar.value) + (bar.note ? " (" + bar.note + ")" : "") +
      (bar.weak ? ", an average of too few councils" : "");
  }

  function barChart(target, spec) {
    var width = target.clientWidth || DEFAULT_WIDTH, bars = spec.bars || [];
    var stacked = width < NARROW;  // a phone: each label on its own line above its bar
    var labelWidth = stacked ? 0 : BAR.labelWidth, valueWidth = stacked ? 0 : BAR.valueWidth;
    // where each bar goes: stacked, a bar with no data takes only its line of words
    var tops = [], y = BAR.top;
    bars.forEach(function (bar) {
      var missing = bar.value === null || bar.value === undefined;
      tops.push(y + (stacked ? BAR.stackedLabel : 0));
      y += stacked ? BAR.stackedLabel + (missing ? 4 : BAR.height + BAR.gap) : BAR.height + BAR.gap;
    });
    var drawn = svgFor(target, width, y, spec.title || "", bars.map(barText).join("; ") + ".");
    var plot = Math.max(40, width - labelWidth - valueWidth);
    var max = niceMax(Math.max.apply(null, bars.map(function (b) { return b.value || 0; })));
    bars.forEach(function (bar, i) {
      var y = tops[i];
      var classes = "bar " + roleClass(bar.role) + (bar.weak ? " weak" : "");
      var group = el("g", {"class": classes, "data-value": bar.value === null ? "" : bar.value}, drawn.svg);
      el("title", {}, group, barText(bar));
      var missing = bar.value === null || bar.value === undefined;
      var averageNote = bar.note && roleClass(bar.role) !== "role-neighbour";
      var said = missing ? "no data" + (bar.note ? " \u00b7 " + bar.note : "")
        : format(bar.value) + (bar.weak ? "  (" + (bar.note ? bar.note + ": " : "") + "too few)"
                                        : averageNote ? "  (" + bar.note + ")" : "");
      if (stacked) {  // "England: 14 (2 of 153 with the figure: too few)" above the bar
        el("text", {x: 0, y: y - 4, "class": "bar-label"}, group, bar.label + ": " + said);
      } else {
        el("text", {x: labelWidth - 8, y: y + BAR.height * 0.7, "text-anchor": "end", "class": "bar-label"},
           group, bar.label);
      }
      if (missing) {
        if (!stacked) { el("text", {x: labelWidth + 4, y: y + BAR.height * 0.7, "class": "bar-missing"}, group, said); }
        return;
      }
      var length = Math.max(1, plot * bar.value / max);
      el("rect", {x: labelWidth, y: y, width: length, height: BAR.height, rx: 2, "class": "bar-rect"}, group);
      if (bar.weak) {
        el("rect", {x: labelWidth, y: y, width: length, height: BAR.height, rx: 2, fill: drawn.hatch,
                    "class": "bar-hatch"}, group);
      }
      if (!stacked) {
        el("text", {x: labelWidth + length + 6, y: y + BAR.height * 0.7, "class": "bar-value"}, group, said);
      }
    });
  }

  /* Every year from the first to the last, so a missing year is a visible gap. */
  function allYears(periods) {
    var starts = periods.map(function (p) { return parseInt(p.slice(0, 4), 10); });
    var first = Math.min.apply(null, starts), last = Math.max.apply(null, starts), years = [];
    for (var y = first; y <= last; y++) { years.push(y + "-" + String((y + 1) % 100).padStart(2, "0")); }
    return years;
  }

  function marker(shape, x, y, size, parent) {
    if (shape === "circle") { return el("circle", {cx: x, cy: y, r: size}, parent); }
    var points = {
      square: [[-1, -1], [1, -1], [1, 1], [-1, 1]],
      triangle: [[0, -1.2], [1.1, 0.9], [-1.1, 0.9]],
      diamond: [[0, -1.3], [1.3, 0], [0, 1.3], [-1.3, 0]]
    }[shape];
    return el("polygon", {points: points.map(function (p) { return (x + p[0] * size) + "," + (y + p[1] * size); }).join(" ")}, parent);
  }

  /* The years in which a series equals the first (the council's): drawn on top of each other. */
  function sameAsFirst(spec, series) {
    var first = spec.series[0];
    return spec.x.filter(function (period, i) {
      return series !== first && series.values[i] !== null && series.values[i] === first.values[i];
    });
  }

  function lineText(spec) {
    return spec.series.map(function (series) {
      var same = sameAsFirst(spec, series);
      return series.name + ": " + spec.x.map(function (period, i) { return period + " " + format(series.values[i]); }).join(", ") +
        (same.length ? " (the same as " + spec.series[0].name + " in " + same.join(", ") + ")" : "");
    }).join("; ") + ".";
  }

  /* Under the chart, in words: which lines lie on the council's. */
  function noteSameLines(target, spec) {
    var notes = spec.series.map(function (series) {
      var same = sameAsFirst(spec, series);
      return same.length ? series.name + " equals " + spec.series[0].name + "'s figure in " + same.join(", ") : "";
    }).filter(Boolean);
    if (notes.length) {
      var note = document.createElement("p");
      note.className = "chart-note";
      note.textContent = notes.join("; ") + ": the lines lie on each other there.";
      target.appendChild(note);
    }
  }

  /* Where each legend entry goes, wrapped onto lines as the width allows. */
  function legendPlaces(series, width) {
    var x = LINE.left, y = LINE.legendTop;
    return series.map(function (one) {
      var size = 34 + 7 * one.name.length;
      if (x + size > width && x > LINE.left) { x = LINE.left; y += LINE.legendLine; }
      var place = {x: x, y: y};
      x += size;
      return place;
    });
  }

  function lineChart(target, spec) {
    var width = target.clientWidth || DEFAULT_WIDTH;
    var places = legendPlaces(spec.series, width);
    var top = places[places.length - 1].y + LINE.gap;  // the plot starts below the legend
    var height = top + LINE.plot + LINE.bottom;
    var drawn = svgFor(target, width, height, spec.title || "", lineText(spec));
    var years = allYears(spec.x);
    var plotW = width - LINE.left - LINE.right, plotH = LINE.plot;
    var values = [];
    spec.series.forEach(function (s) { s.values.forEach(function (v) { if (v !== null) { values.push(v); } }); });
    var max = niceMax(Math.max.apply(null, values.concat([0])));
    function xOf(period) {
      var i = years.indexOf(period);
      return LINE.left + (years.length === 1 ? plotW / 2 : plotW * i / (years.length - 1));
    }
    function yOf(value) { return top + plotH - plotH * value / max; }
    var axis = el("g", {"class": "axis", "aria-hidden": "true"}, drawn.svg);
    for (var t = 0; t <= LINE.ticks; t++) {
      var v = max * t / LINE.ticks, y = yOf(v);
      el("line", {x1: LINE.left, x2: width - LINE.right, y1: y, y2: y, "class": "grid"}, axis);
      el("text", {x: LINE.left - 6, y: y + 4, "text-anchor": "end"}, axis, format(v));
    }
    var every = Math.ceil(years.length / Math.max(1, Math.floor(plotW / 64)));  // year labels that fit
    years.forEach(function (period, i) {
      if (i % every === 0 || i === years.length - 1) {
        el("text", {x: xOf(period), y: height - LINE.bottom + 18, "text-anchor": "middle"}, axis, period);
      }
    });
    // the legend: a sample of each line and its marker
    spec.series.forEach(function (series, i) {
      var role = roleClass(series.role), style = STYLE[role] || STYLE["role-council"], at = places[i];
      var legend = el("g", {"class": "legend " + role}, drawn.svg);
      el("line", {x1: at.x, x2: at.x + 24, y1: at.y - 4, y2: at.y - 4, "class": "series-line",
                  "stroke-dasharray": style.dash}, legend);
      marker(style.marker, at.x + 12, at.y - 4, 4, legend).setAttribute("class", "series-point");
      el("text", {x: at.x + 30, y: at.y}, legend, series.name);
    });
    // the council's line first, wide, so an average equal to it is drawn on top and still seen
    spec.series.forEach(function (series) {
      var role = roleClass(series.role), style = STYLE[role] || STYLE["role-council"];
      var group = el("g", {"class": "series " + role}, drawn.svg);
      var byPeriod = {};
      spec.x.forEach(function (period, i) { byPeriod[period] = series.values[i]; });
      var path = "", pen = "M";
      years.forEach(function (period) {
        var value = byPeriod[period];
        if (value === null || value === undefined) { pen = "M"; return; }
        path += pen + xOf(period).toFixed(1) + " " + yOf(value).toFixed(1) + " ";
        pen = "L";
      });
      if (path && role !== "role-council") {  // a white edge, so an average over the council's line is seen
        el("path", {d: path, "class": "series-halo", fill: "none", "stroke-dasharray": style.dash}, group);
      }
      if (path) { el("path", {d: path, "class": "series-line", fill: "none", "stroke-dasharray": style.dash}, group); }
      years.forEach(function (period) {
        var value = byPeriod[period];
        if (value === null || value === undefined) { return; }
        var point = marker(style.marker, xOf(period), yOf(value), role === "role-council" ? 7 : 4, group);
        point.setAttribute("class", "series-point");
        point.setAttribute("data-value", value);
        el("title", {}, point, series.name + ", " + period + ": " + format(value));
      });
    });
    noteSameLines(target, spec);
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
