/* mirae workbench: the little JavaScript its pages need (no framework, no build step). */
"use strict";
(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));
  const api = async (url, options) => {
    const opts = Object.assign({ headers: {} }, options || {});
    opts.headers["X-CSRF-Token"] = csrf;
    if (opts.json !== undefined) {
      opts.method = opts.method || "POST";
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(opts.json);
    }
    const response = await fetch(url, opts);
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok) {
      const text = body && body.detail ? body.detail + (body.hint ? " " + body.hint : "") : response.statusText;
      const error = new Error(text);
      error.status = response.status;
      throw error;
    }
    return body;
  };
  const text = (tag, value, cls) => {
    const el = document.createElement(tag);
    el.textContent = value;
    if (cls) el.className = cls;
    return el;
  };
  const fmt = (v) => typeof v === "number" ? (Math.abs(v) >= 1000 ? v.toLocaleString() : Number(v.toPrecision(4)).toString()) : String(v);
  const plotConfig = { displaylogo: false, responsive: true, displayModeBar: "hover" };

  // -- upload: drag a file onto the box, the table name follows the file's name
  const upload = $("#upload");
  if (upload) {
    const input = $("#file", upload), name = $("#table-name", upload);
    const suggest = () => {
      if (!input.files.length || name.value) return;
      const stem = input.files[0].name.replace(/\.(gz|xz|bz2)$/i, "").replace(/\.[^.]+$/, "");
      let cleaned = stem.replace(/[^A-Za-z0-9_\uAC00-\uD7A3]+/g, "_").replace(/^_+|_+$/g, "");
      if (/^[0-9]/.test(cleaned)) cleaned = "t_" + cleaned;
      name.value = cleaned.slice(0, 120);
    };
    input.addEventListener("change", suggest);
    ["dragenter", "dragover"].forEach((e) => upload.addEventListener(e, (ev) => { ev.preventDefault(); upload.classList.add("over"); }));
    ["dragleave", "drop"].forEach((e) => upload.addEventListener(e, (ev) => { ev.preventDefault(); upload.classList.remove("over"); }));
    upload.addEventListener("drop", (ev) => {
      if (!ev.dataTransfer.files.length) return;
      input.files = ev.dataTransfer.files;
      suggest();
    });
    upload.addEventListener("submit", () => { $("#upload-button").disabled = true; upload.classList.add("busy"); });
  }

  // -- tabs (the table page): panels load their reports when first shown
  const tabs = $$("[role=tab]");
  const show = (name) => {
    tabs.forEach((t) => t.setAttribute("aria-selected", String(t.dataset.tab === name)));
    $$("[data-panel]").forEach((p) => { p.hidden = p.dataset.panel !== name; });
    $$("[data-panel='" + name + "'] iframe[data-src]").forEach((f) => { if (!f.src) f.src = f.dataset.src; });
    if (name === "scatter") drawScatter();
  };
  tabs.forEach((t) => t.addEventListener("click", () => show(t.dataset.tab)));
  $$("a.drift").forEach((a) => a.addEventListener("click", (ev) => {
    ev.preventDefault();
    const frame = $("#quality-frame");
    frame.src = frame.dataset.src + "&against=" + a.dataset.against;
    $("#drift-note").hidden = false;
    $("#drift-snapshot").textContent = a.dataset.against;
    show("quality");
  }));

  // -- scatter of two columns over a sample of rows
  let scatterRows = null;
  async function drawScatter() {
    const box = $("#scatter");
    if (!box || !window.Plotly) return;
    if (!scatterRows) {
      const snap = box.dataset.snapshot ? "&snapshot=" + box.dataset.snapshot : "";
      const page = await api("/api/tables/" + encodeURIComponent(box.dataset.table) + "/rows?limit=5000" + snap);
      scatterRows = page.rows;
      box.dataset.total = page.total;
    }
    const x = $("#scatter-x").value, y = $("#scatter-y").value, color = $("#scatter-color").value;
    const groups = {};
    scatterRows.forEach((r) => { const g = color ? String(r[color]) : ""; (groups[g] = groups[g] || []).push(r); });
    const traces = Object.keys(groups).slice(0, 12).map((g) => ({
      type: "scattergl", mode: "markers", name: g || y, x: groups[g].map((r) => r[x]), y: groups[g].map((r) => r[y]),
      marker: { size: 5, opacity: 0.6 },
    }));
    const title = box.dataset.sample.replace("{n}", scatterRows.length.toLocaleString()).replace("{total}", Number(box.dataset.total).toLocaleString());
    Plotly.react(box, traces, { title: { text: title, font: { size: 13 } }, xaxis: { title: { text: x } }, yaxis: { title: { text: y } }, height: 460, margin: { t: 60 } }, plotConfig);
  }
  ["#scatter-x", "#scatter-y", "#scatter-color"].forEach((s) => { const el = $(s); if (el) el.addEventListener("change", drawScatter); });

  // -- run forms: the chosen table's columns are suggested in the column fields
  const source = $("[data-columns-source]");
  if (source) {
    const fill = async () => {
      const list = $("#columns");
      list.replaceChildren();
      if (!source.value) return;
      try {
        const schema = await api("/api/tables/" + encodeURIComponent(source.value) + "/schema");
        schema.columns.forEach((c) => { const o = document.createElement("option"); o.value = c.name; list.appendChild(o); });
      } catch (e) { /* the form still works without suggestions */ }
    };
    source.addEventListener("change", fill);
    fill();
    const form = $("#run-form");
    form.addEventListener("submit", () => { $("#run-button").disabled = true; });
  }

  // -- a job: live progress and log until it ends, then the page shows its result
  const job = $("#job");
  if (job && ["queued", "running"].includes(job.dataset.status)) {
    const id = job.dataset.job;
    const tick = async () => {
      try {
        const record = await api("/api/jobs/" + id);
        const p = record.progress;
        if (p.total) $("#job-fill").style.width = Math.min(100, Math.round(100 * p.done / p.total)) + "%";
        else $("#job-fill").classList.add("pulse");
        let line = p.task || "";
        if (p.total) line += " " + fmt(p.done) + " / " + fmt(p.total);
        if (p.eta_s) line += " · " + $("#job-progress").dataset.eta + " " + Math.round(p.eta_s) + "s";
        $("#job-progress").textContent = line;
        const logs = await api("/api/jobs/" + id + "/logs?tail=200");
        $("#job-log").textContent = logs.lines.join("\n");
        if (!["queued", "running"].includes(record.status)) { window.location.reload(); return; }
      } catch (e) { /* a restart of the server: try again */ }
      setTimeout(tick, 1000);
    };
    setTimeout(tick, 500);
    const cancel = $("#cancel");
    if (cancel) cancel.addEventListener("click", async () => {
      cancel.disabled = true;
      try { await api("/api/jobs/" + id + "/cancel", { method: "POST" }); } catch (e) { alert(e.message); }
      window.location.reload();
    });
  }
  const live = $("table.jobs[data-live=yes]");
  if (live && !job) setTimeout(() => window.location.reload(), 3000);

  // -- what-if: one row from the form, its prediction and what drove it
  const whatif = $("#whatif");
  if (whatif) {
    whatif.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const row = {};
      $$("input[data-name]", whatif).forEach((i) => {
        const v = i.value.trim();
        row[i.dataset.name] = v === "" ? null : (i.dataset.role === "numeric" ? Number(v) : v);
      });
      const out = $("#whatif-result");
      out.replaceChildren(text("p", "…", "note"));
      $("#whatif-button").disabled = true;
      try {
        const answer = await api("/api/models/" + whatif.dataset.ref + "/explain", { json: { rows: [row] } });
        const r = answer.rows[0];
        out.replaceChildren();
        const head = text("p", "", "prediction");
        head.append(text("span", out.dataset.labelPrediction + ": "), text("strong", fmt(r.prediction)));
        head.id = "prediction";
        out.append(head);
        if (r.probabilities) {
          const list = text("p", out.dataset.labelProbability + ": ", "note");
          list.append(Object.entries(r.probabilities).map(([k, v]) => k + " " + (100 * v).toFixed(1) + "%").join(" · "));
          out.append(list);
        }
        out.append(text("p", out.dataset.labelDrivers + " (" + answer.explains + ")", "note"));
        const top = r.contributions.slice(0, 15).reverse();
        const chart = $("#whatif-chart");
        chart.hidden = false;
        Plotly.react(chart, [{
          type: "bar", orientation: "h", x: top.map((c) => c.contribution),
          y: top.map((c) => c.feature + " = " + (c.value === null ? "—" : fmt(c.value))),
          marker: { color: top.map((c) => c.contribution >= 0 ? "#c05621" : "#2b6cb0") },
        }], { height: 80 + 28 * top.length, margin: { l: 260, t: 20, r: 20 }, xaxis: { zeroline: true } }, plotConfig);
      } catch (e) {
        out.replaceChildren(text("div", e.message, "problem"));
      } finally {
        $("#whatif-button").disabled = false;
      }
    });
  }

  // -- a recommender: a user's recommendations, the items like one item
  const recTable = (answer) => {
    const out = $("#rec-result");
    const table = document.createElement("table");
    table.className = "list";
    table.id = "rec-table";
    const head = table.createTHead().insertRow();
    ["rank", "item", "score", "reason"].forEach((k) => head.appendChild(text("th", out.dataset[k])));
    const body = table.createTBody();
    (answer.predictions[0] || []).forEach((r) => {
      const tr = body.insertRow();
      [r.rank, r.item, fmt(r.score), r.reason].forEach((v) => tr.appendChild(text("td", String(v))));
    });
    out.replaceChildren(table);
  };
  const recommendForm = $("#recommend");
  if (recommendForm) {
    recommendForm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const row = { k: Number($("#rec-k").value || 10) };
      row[recommendForm.dataset.user] = $("#rec-user").value;
      try { recTable(await api("/models/" + recommendForm.dataset.ref + "/predict?lang=" + document.documentElement.lang, { json: { rows: [row] } })); }
      catch (e) { $("#rec-result").replaceChildren(text("div", e.message, "problem")); }
    });
    $("#similar").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const row = { item: $("#sim-item").value, k: Number($("#rec-k").value || 10) };
      try { recTable(await api("/models/" + $("#similar").dataset.ref + "/similar?lang=" + document.documentElement.lang, { json: { rows: [row] } })); }
      catch (e) { $("#rec-result").replaceChildren(text("div", e.message, "problem")); }
    });
  }

  // -- forecast drill-down: level (total -> group -> ... -> item), then one series of it
  const drill = $("#drill");
  if (drill) {
    const level = $("#drill-level"), series = $("#drill-series"), chart = $("#drill-chart");
    const fillSeries = () => {
      const names = JSON.parse(level.selectedOptions[0].dataset.series);
      series.replaceChildren(...names.map((n) => { const o = document.createElement("option"); o.textContent = n; return o; }));
      plot();
    };
    const plot = async () => {
      const url = "/ui/forecasts/" + encodeURIComponent(drill.dataset.into) + "/chart.json?level=" +
        encodeURIComponent(level.value) + "&series=" + encodeURIComponent(series.value);
      const data = await api(url);
      const rows = data.forecast, t = data.time;
      const levels = rows.length ? Object.keys(rows[0]).filter((k) => /^forecast_hi_\d+$/.test(k)).map((k) => Number(k.slice(12))) : [];
      const widest = levels.length ? Math.max(...levels) : null;
      const traces = [
        { type: "scatter", mode: "lines", name: chart.dataset.history, x: data.history.map((p) => p[0]), y: data.history.map((p) => p[1]), line: { color: "#1f3a5f" } },
      ];
      if (widest !== null) {
        traces.push({ type: "scatter", mode: "lines", x: rows.map((r) => r[t]), y: rows.map((r) => r["forecast_hi_" + widest]), line: { width: 0 }, showlegend: false, hoverinfo: "skip" });
        traces.push({ type: "scatter", mode: "lines", name: chart.dataset.interval + " " + widest + "%", x: rows.map((r) => r[t]), y: rows.map((r) => r["forecast_lo_" + widest]), fill: "tonexty", fillcolor: "rgba(192,86,33,0.18)", line: { width: 0 } });
      }
      traces.push({ type: "scatter", mode: "lines+markers", name: chart.dataset.forecast, x: rows.map((r) => r[t]), y: rows.map((r) => r.forecast), line: { color: "#c05621" } });
      Plotly.react(chart, traces, { title: { text: series.value, font: { size: 14 } }, height: 420, margin: { t: 50 }, legend: { orientation: "h" } }, plotConfig);
    };
    level.addEventListener("change", fillSeries);
    series.addEventListener("change", plot);
    fillSeries();
  }
})();
