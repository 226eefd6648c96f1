/* Enhancements only: every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var form = document.getElementById("search-form");
  if (!form) return;

  // Filters start open where there is room for them beside the results.
  var filters = document.getElementById("filters");
  if (filters && window.matchMedia("(min-width: 900px)").matches) filters.open = true;

  // Province → city: refill the city list from the (cached) regions file.
  var province = document.getElementById("province");
  var city = document.getElementById("city");
  var regions = null;
  function fillCities() {
    var list = (regions && regions[province.value]) || [];
    city.length = 0;
    city.add(new Option(province.value ? "全部" : "先选省份，或直接搜索", ""));
    list.forEach(function (c) { city.add(new Option(c[1], c[0])); });
  }
  if (province && city) {
    province.addEventListener("change", function () {
      if (regions) { fillCities(); return; }
      fetch(province.getAttribute("data-regions"), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) { regions = data; fillCities(); })
        .catch(function () { city.length = 1; });
    });
  }

  // Changing the order re-runs the search at once.
  var sort = document.getElementById("sort");
  if (sort) sort.addEventListener("change", function () { form.requestSubmit ? form.requestSubmit() : form.submit(); });

  // Short, shareable URLs: leave empty fields out and fold the province into "region".
  var disabled = [];
  form.addEventListener("submit", function () {
    if (province && city) {
      if (city.value) { province.disabled = true; disabled.push(province); }
      else { province.name = "region"; }
    }
    Array.prototype.forEach.call(form.elements, function (el) {
      var idle = el.value === "" || (el.name === "sort" && el.value === "relevance");
      if (el.name && !el.disabled && idle && el.type !== "submit") { el.disabled = true; disabled.push(el); }
    });
  });
  window.addEventListener("pageshow", function () {
    disabled.forEach(function (el) { el.disabled = false; });
    disabled = [];
    if (province) province.name = "province";
  });
})();
