/* Alliance: small progressive enhancements. Every page works without them. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var SEPARATORS = { fr: ", ", de: ",." };
  // Okabe–Ito: distinct for readers with any common colour-vision deficiency.
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"];
  var plotlyLoading = null;

  function loadPlotly() {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    if (!plotlyLoading) {
      plotlyLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = document.body.dataset.plotlySrc;
        script.onload = function () { resolve(window.Plotly); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return plotlyLoading;
  }

  function renderPlots(root) {
    var targets = (root.querySelectorAll ? root : document).querySelectorAll("[data-plot]");
    if (!targets.length) return;
    loadPlotly().then(function (Plotly) {
      var lang = (document.documentElement.lang || "en").slice(0, 2);
      targets.forEach(function (el) {
        var source = document.getElementById(el.dataset.plot);
        if (!source || el.dataset.rendered) return;
        var figure = JSON.parse(source.textContent);
        var layout = Object.assign({
          colorway: PALETTE,
          font: { family: "system-ui, sans-serif", size: 13, color: "#1b2430" },
          margin: { l: 60, r: 20, t: 50, b: 50 },
          paper_bgcolor: "#ffffff", plot_bgcolor: "#ffffff",
          separators: SEPARATORS[lang] || ".,",
          height: 360
        }, figure.layout);
        Plotly.newPlot(el, figure.data, layout, { displaylogo: false, responsive: true });
        el.dataset.rendered = "1";
      });
    });
  }

  function enhance(root) {
    root.querySelectorAll("[data-autosubmit]").forEach(function (select) {
      if (select.dataset.enhanced) return;
      select.dataset.enhanced = "1";
      select.addEventListener("change", function () { select.form.requestSubmit(); });
    });
    root.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    root.querySelectorAll("[data-select-all]").forEach(function (box) {
      box.addEventListener("change", function () {
        box.closest("form").querySelectorAll('input[name="' + box.dataset.selectAll + '"]')
          .forEach(function (item) { item.checked = box.checked; });
      });
    });
    root.querySelectorAll("form[data-submit-shortcut]").forEach(function (form) {
      form.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          form.requestSubmit();
        }
      });
    });
    // "Restricted to" only matters for a restricted item: show it then.
    root.querySelectorAll("form").forEach(function (form) {
      var radios = form.querySelectorAll('input[name="confidentiality"]');
      var users = form.querySelector("#id_restricted_to");
      if (!radios.length || !users || form.dataset.confidentiality) return;
      form.dataset.confidentiality = "1";
      var box = users.closest(".field");
      var sync = function () {
        var chosen = form.querySelector('input[name="confidentiality"]:checked');
        box.hidden = !(chosen && chosen.value === "restricted");
      };
      radios.forEach(function (radio) { radio.addEventListener("change", sync); });
      sync();
    });
    // The quick log: only the people of the parties ticked (all of them while none is),
    // and a person already ticked stays in sight.
    root.querySelectorAll("form").forEach(function (form) {
      var people = form.querySelectorAll("input[data-party]");
      var parties = form.querySelectorAll('input[name="parties"]');
      if (!people.length || !parties.length || form.dataset.peopleByParty) return;
      form.dataset.peopleByParty = "1";
      var filter = function () {
        var chosen = {};
        var any = false;
        parties.forEach(function (box) { if (box.checked) { chosen[box.value] = true; any = true; } });
        people.forEach(function (box) {
          var row = box.closest("div") || box.parentElement;
          row.hidden = any && !chosen[box.dataset.party] && !box.checked;
        });
      };
      parties.forEach(function (box) { box.addEventListener("change", filter); });
      filter();
    });
    // A tab bar wider than the screen scrolls sideways: bring the current tab into sight.
    root.querySelectorAll(".tabs ul").forEach(function (list) {
      var current = list.querySelector('[aria-current="page"]');
      if (!current || list.scrollWidth <= list.clientWidth) return;
      var item = current.parentElement;
      list.scrollLeft = item.offsetLeft - (list.clientWidth - item.offsetWidth) / 2;
    });
    renderPlots(root);
  }

  // After an HTMX swap, keep the keyboard where it was (a filter field) or, for a new tab,
  // move it to the panel's heading so screen readers announce the new content.
  var focusedId = null;
  document.addEventListener("htmx:beforeSwap", function () {
    var active = document.activeElement;
    focusedId = active && active.id ? active.id : null;
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (!event.detail.target || event.detail.target.id !== "cockpit") return;
    var again = focusedId && document.getElementById(focusedId);
    var target = again && again !== document.body ? again : document.getElementById("tab-heading");
    if (target) target.focus({ preventScroll: Boolean(again) });
  });

  // Filter forms: leave empty fields out of the query string, so shared links stay readable.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get") return;
    var params = event.detail.parameters;
    Object.keys(params).forEach(function (key) {
      if (params[key] === "") delete params[key];
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
    if (window.htmx) {
      window.htmx.onLoad(function (elt) { if (elt !== document.body) enhance(elt); });
    }
  });
})();
