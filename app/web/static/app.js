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

  // Suggestions as you type (titles and employers; pinyin such as "kuaiji" or "kj" too): an
  // ARIA combobox over the plain search box, which keeps working as a box without this.
  var q = document.getElementById("q");
  if (q && q.getAttribute("data-suggest") && window.fetch) {
    var list = document.createElement("ul");
    list.id = "q-suggestions";
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "搜索建议");
    list.hidden = true;
    q.parentNode.parentNode.insertBefore(list, q.parentNode.nextSibling);
    q.setAttribute("role", "combobox");
    q.setAttribute("aria-autocomplete", "list");
    q.setAttribute("aria-expanded", "false");
    q.setAttribute("aria-controls", list.id);
    var active = -1, timer = null, asked = "";
    function options() { return list.querySelectorAll("[role=option]"); }
    function close() {
      list.hidden = true; active = -1; q.setAttribute("aria-expanded", "false");
      q.removeAttribute("aria-activedescendant");
    }
    function mark(i) {
      var opts = options();
      active = i;
      Array.prototype.forEach.call(opts, function (o, k) { o.setAttribute("aria-selected", k === i ? "true" : "false"); });
      if (i >= 0 && opts[i]) q.setAttribute("aria-activedescendant", opts[i].id);
      else q.removeAttribute("aria-activedescendant");
    }
    function pick(text) { q.value = text; close(); form.requestSubmit ? form.requestSubmit() : form.submit(); }
    function show(items) {
      list.textContent = "";
      items.forEach(function (s, i) {
        var li = document.createElement("li");
        li.id = "q-opt-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = s.text + (s.kind === "employer" ? "（单位）" : "");
        li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(s.text); });
        list.appendChild(li);
      });
      if (items.length) { list.hidden = false; q.setAttribute("aria-expanded", "true"); active = -1; } else { close(); }
    }
    q.addEventListener("input", function () {
      clearTimeout(timer);
      var text = q.value.trim();
      if (!text) { close(); return; }
      timer = setTimeout(function () {
        asked = text;
        fetch(q.getAttribute("data-suggest") + "?q=" + encodeURIComponent(text), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
          .then(function (data) { if (asked === text) show(data.suggestions || []); })
          .catch(close);
      }, 120);
    });
    q.addEventListener("keydown", function (e) {
      var opts = options();
      if (list.hidden || !opts.length) return;
      if (e.key === "ArrowDown") { e.preventDefault(); mark((active + 1) % opts.length); }
      else if (e.key === "ArrowUp") { e.preventDefault(); mark(active <= 0 ? opts.length - 1 : active - 1); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); pick(opts[active].textContent.replace(/（单位）$/, "")); }
      else if (e.key === "Escape") { close(); }
    });
    q.addEventListener("blur", close);
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
