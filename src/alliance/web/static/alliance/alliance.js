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
      // Plotly's style rules come from a stylesheet, not a <style> it would inject (the
      // Content-Security-Policy refuses those): this id and class tell Plotly they are there.
      if (!document.getElementById("plotly.js-style-global")) {
        var sheet = document.createElement("link");
        sheet.id = "plotly.js-style-global";
        sheet.className = "no-inline-styles";
        sheet.rel = "stylesheet";
        sheet.href = document.body.dataset.plotlyCss;
        document.head.appendChild(sheet);
      }
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

  // The pulse form keeps what was tapped in this browser as the respondent goes, before any
  // server save: a lost connection or a closed tab loses nothing. The entry is named by a key
  // the server derives from the link (never the link itself), holds only the form's answers
  // and the link's expiry day, is put back when the same link opens again, and is removed
  // once the answers are sent, or after the link expired (days on the server's clock).
  var DRAFT_PREFIX = "alliance.pulse-draft.";

  function draftStorage() {
    try {
      var store = window.localStorage;
      store.getItem(DRAFT_PREFIX);
      return store;
    } catch (error) {
      return null; // storage disabled (private mode, policy): the server draft still works
    }
  }

  function readDraft(store, key) {
    try {
      var entry = JSON.parse(store.getItem(key));
      return entry && typeof entry === "object" ? entry : null;
    } catch (error) {
      return null;
    }
  }

  function dropStaleDrafts(store, today) {
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (!key || key.indexOf(DRAFT_PREFIX) !== 0) continue;
      var entry = readDraft(store, key);
      if (!entry || typeof entry.expires !== "string" || entry.expires <= today) {
        store.removeItem(key);
      }
    }
  }

  function formAnswers(form) {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.type === "radio" && el.checked) fields[el.name] = el.value;
      else if (el.tagName === "TEXTAREA") fields[el.name] = el.value;
    });
    return fields;
  }

  function putBack(form, fields) {
    var changed = false;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!Object.prototype.hasOwnProperty.call(fields, el.name)) return;
      var value = String(fields[el.name]);
      if (el.type === "radio") {
        if (el.value === value && !el.checked) {
          el.checked = true;
          changed = true;
        }
      } else if (el.tagName === "TEXTAREA" && el.value !== value) {
        el.value = value;
        changed = true;
      }
    });
    return changed;
  }

  // "2 of 3 parties rated" counts what is on the form (tapped, put back from this device, or
  // saved on the server), not only what the server saved: a party is rated once each of its
  // lines has a choice.
  function countRated(form) {
    var done = 0;
    Array.prototype.forEach.call(form.querySelectorAll("fieldset.pulse-party"), function (card) {
      var lines = card.querySelectorAll(".likert");
      if (!lines.length) return; // the comment
      var rated = Array.prototype.every.call(lines, function (line) {
        return line.querySelector("input[type=radio]:checked") !== null;
      });
      card.classList.toggle("done", rated);
      done += rated ? 1 : 0;
    });
    var counter = document.querySelector("[data-pulse-done]");
    if (counter && counter.textContent !== String(done)) counter.textContent = String(done);
  }

  function pulseProgress() {
    var form = document.querySelector("form.pulse-form");
    if (!form) return;
    countRated(form);
    form.addEventListener("change", function () { countRated(form); });
  }

  function pulseDraft() {
    var marker = document.querySelector("[data-pulse-today]");
    var store = marker && draftStorage();
    if (!store) return;
    dropStaleDrafts(store, marker.dataset.pulseToday);
    if (!marker.dataset.pulseDraft) return;
    var key = DRAFT_PREFIX + marker.dataset.pulseDraft;
    if ("pulseDraftClear" in marker.dataset) {
      store.removeItem(key); // sent: nothing to keep
      return;
    }
    var form = marker;
    var kept = readDraft(store, key);
    if (kept && kept.fields && putBack(form, kept.fields)) {
      var notice = document.querySelector("[data-pulse-restored]");
      if (notice) notice.hidden = false;
    }
    function keep() {
      var entry = { expires: form.dataset.pulseExpires, fields: formAnswers(form) };
      try {
        store.setItem(key, JSON.stringify(entry));
      } catch (error) {
        /* storage full: the server draft remains */
      }
    }
    form.addEventListener("change", keep);
    form.addEventListener("input", keep);
  }

  document.addEventListener("DOMContentLoaded", function () {
    pulseDraft();
    pulseProgress();
    enhance(document);
    if (window.htmx) {
      window.htmx.onLoad(function (elt) { if (elt !== document.body) enhance(elt); });
    }
  });
})();
