// Place autocomplete for the assessment form: progressive enhancement only; the
// form works without it. Calls /v1/places (same origin, the session cookie
// carries the API key when keys are on) and fills the <datalist> of the field.
(function () {
  "use strict";
  function debounce(fn, ms) {
    var t = null;
    return function () {
      var args = arguments;
      clearTimeout(t);
      t = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }
  function setup(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var countryInput = document.getElementById(input.getAttribute("data-autocomplete"));
    if (!list || !window.fetch) { return; }
    var byValue = {};
    var lookup = debounce(function () {
      var q = input.value.trim();
      if (q.length < 2 || byValue[q]) { return; }
      var url = "/v1/places?limit=8&q=" + encodeURIComponent(q);
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          while (list.firstChild) { list.removeChild(list.firstChild); }
          byValue = {};
          (data.candidates || []).forEach(function (p) {
            var value = p.name + ", " + p.country;
            byValue[value] = p;
            var opt = document.createElement("option");
            opt.value = value;
            opt.label = p.name + " (" + p.country + (p.admin1 ? ", " + p.admin1 : "") +
              (p.kind === "admin1" ? ", region" : "") + ")";
            list.appendChild(opt);
          });
        })
        .catch(function () { /* autocomplete is optional */ });
    }, 200);
    input.addEventListener("input", lookup);
    input.addEventListener("change", function () {
      var p = byValue[input.value];
      if (p && countryInput) {
        input.value = p.name;
        countryInput.value = p.country;
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var inputs = document.querySelectorAll("input[data-autocomplete]");
    for (var i = 0; i < inputs.length; i++) { setup(inputs[i]); }
  });
})();
