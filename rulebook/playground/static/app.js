// The playground page: two editors, one problem list, one picture. Everything it asks
// goes to this page's own server (relative URLs); nothing is loaded from elsewhere.
"use strict";

const LAYER = `# My practice: the standard policy, with changes of my own.
policy: my_practice
extends: standard

rules:
  send_thank_you:
    # Ideally the next day; a week at the latest.
    window: {start: p, due: p + 24h, end: p + 7d}
`;
const EVENT_TYPES = ["interview", "thank_you_sent", "follow_up_sent", "call", "reply",
  "next_steps", "contact_details", "referral_contact", "materials_sent", "withdrawn"];
const DELAY = 300;
const $ = (id) => document.getElementById(id);

let timer = null;
let generation = 0;
let draws = 0;

async function api(path, body) {
  const init = body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
  const response = await fetch("api/" + path, init);
  let data = null;
  try { data = await response.json(); } catch (e) { data = {}; }
  if (!response.ok && !data.problems) {
    const detail = Array.isArray(data.detail) ? data.detail.map((d) => d.msg).join("; ") : "";
    data = {problems: [{file: "request", line: 0, col: 0, severity: "error",
      text: `request: ${response.status} ${detail}`}]};
  }
  return data;
}

// -- editors with line numbers; a problem's line is marked in the gutter ---------------

function gutterOf(textarea) { return $(textarea.id + "-gutter"); }

function numberLines(textarea, marks) {
  const gutter = gutterOf(textarea);
  const count = textarea.value.split("\n").length;
  gutter.replaceChildren();
  for (let i = 1; i <= count; i++) {
    const line = document.createElement("div");
    line.textContent = String(i);
    const mark = marks && marks.get(i);
    if (mark) {
      line.className = mark.severity;
      line.title = mark.text;
    }
    gutter.appendChild(line);
  }
  gutter.scrollTop = textarea.scrollTop;
}

function goToLine(textarea, line, col) {
  const lines = textarea.value.split("\n");
  let offset = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length); i++) offset += lines[i].length + 1;
  const end = offset + (lines[line - 1] || "").length;
  textarea.focus();
  textarea.setSelectionRange(offset + Math.max(col - 1, 0), end);
  textarea.scrollTop = Math.max((line - 5) * 17, 0);
}

const FILES = {"policy.yaml": "policy", "events.yaml": "events"};

function showProblems(problems) {
  const list = $("problems");
  list.replaceChildren();
  const marks = {policy: new Map(), events: new Map()};
  for (const p of problems) {
    const item = document.createElement("li");
    item.textContent = p.text;
    item.className = p.severity;
    item.dataset.file = p.file;
    item.dataset.line = p.line;
    item.dataset.col = p.col;
    const editor = FILES[p.file];
    if (editor && p.line > 0) {
      const old = marks[editor].get(p.line);
      if (!old || old.severity === "warning") marks[editor].set(p.line, p);
      item.addEventListener("click", () => goToLine($(editor), p.line, p.col));
    }
    list.appendChild(item);
  }
  numberLines($("policy"), marks.policy);
  numberLines($("events"), marks.events);
}

// -- the picture, redrawn (debounced) after every edit that leaves valid input -------------

function schedule() {
  document.body.dataset.pending = "1";  // until the picture is redrawn (tests wait on it)
  clearTimeout(timer);
  timer = setTimeout(() => { timer = null; refresh(); }, DELAY);
  numberLines($("policy"));
  numberLines($("events"));
}

function period() {
  return {start: $("from").value || null, end: $("to").value || null, at: $("at").value || null};
}

async function refresh() {
  const mine = ++generation;
  try {
    await redraw(mine);
  } finally {
    if (mine === generation && timer === null) document.body.dataset.pending = "0";
  }
}

async function redraw(mine) {
  const policy = $("policy").value;
  const checked = await api("check", {policy});
  if (mine !== generation) return;
  const policyProblems = checked.problems || [];
  const errors = policyProblems.filter((p) => p.severity !== "warning");
  if (errors.length) {
    showProblems(policyProblems);
    $("picture").classList.add("stale");
    setStatus(`${errors.length} error(s) in the policy; the picture waits for a valid policy`);
    return;
  }
  const drawn = await api("picture", {policy, events: $("events").value, ...period(),
    compare: $("compare").value || null});
  if (mine !== generation) return;
  if (drawn.problems) {
    showProblems(policyProblems.concat(drawn.problems));
    $("picture").classList.add("stale");
    setStatus(`${drawn.problems.length} problem(s); the picture waits for valid input`);
    return;
  }
  showProblems(policyProblems);
  for (const [field, key] of [["from", "from"], ["to", "to"], ["at", "at"]]) {
    if (!$(field).value) $(field).value = drawn[key];
  }
  if (!$("event-at").value) $("event-at").value = drawn.at;
  const box = $("picture");
  box.innerHTML = drawn.svg;
  box.classList.remove("stale");
  for (const bar of box.querySelectorAll(".bar")) {
    bar.addEventListener("mouseenter", () => showReason(bar));
    bar.addEventListener("click", () => {
      box.querySelectorAll(".bar.chosen").forEach((b) => b.classList.remove("chosen"));
      bar.classList.add("chosen");
      showReason(bar);
    });
  }
  draws += 1;
  document.body.dataset.draws = String(draws);
  const warnings = policyProblems.length ? `, ${policyProblems.length} warning(s)` : "";
  setStatus(`drawn: ${box.querySelectorAll(".bar").length} bar(s)${warnings}`);
}

function showReason(bar) { $("reason").textContent = bar.dataset.reason; }
function setStatus(text) { $("status").textContent = text; }

// -- downloads: the formatted policy and the scenario of what is on screen -----------------

function save(text, filename) {
  const url = URL.createObjectURL(new Blob([text], {type: "application/x-yaml"}));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

async function downloadPolicy() {
  const out = await api("format", {policy: $("policy").value});
  if (out.problems) { showProblems(out.problems); return; }
  save(out.text, out.filename);
  setStatus(`saved ${out.filename} (formatted)`);
}

async function formatInPlace() {
  const out = await api("format", {policy: $("policy").value});
  if (out.problems) { showProblems(out.problems); return; }
  $("policy").value = out.text;
  schedule();
}

async function downloadScenario() {
  const out = await api("scenario", {policy: $("policy").value, events: $("events").value,
    ...period()});
  if (out.problems) { showProblems(out.problems); return; }
  save(out.text, out.filename);
  setStatus(`saved ${out.filename}`);
}

// -- starting points -----------------------------------------------------------------------

let examples = {};

async function startPolicy(name) {
  if (name === "") {
    $("policy").value = LAYER;
  } else {
    const out = await api("policies/" + encodeURIComponent(name));
    if (out.problems) { showProblems(out.problems); return; }
    $("policy").value = out.text;
  }
  schedule();
}

function startEvents(name) {
  $("events").value = examples[name] || "";
  for (const field of ["from", "to", "at", "event-at"]) $(field).value = "";
  schedule();
}

function readFile(input, textarea) {
  const file = input.files[0];
  if (!file) return;
  file.text().then((text) => { textarea.value = text; schedule(); });
}

async function addEvent(e) {
  e.preventDefault();
  const out = await api("events/add", {events: $("events").value, type: $("event-type").value,
    at: $("event-at").value, person: $("event-person").value});
  if (out.problems) { showProblems(out.problems); return; }
  $("events").value = out.events;
  schedule();
}

function option(select, value, label) {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = label;
  select.appendChild(o);
}

async function start() {
  const [shipped, found] = await Promise.all([api("policies"), api("examples")]);
  option($("policy-start"), "", "a new layer on standard");
  for (const name of shipped.policies) {
    option($("policy-start"), name, name);
    option($("compare"), name, name);
  }
  examples = found.examples || {};
  for (const name of Object.keys(examples)) option($("example"), name, name);
  for (const type of EVENT_TYPES) option($("event-type"), type, type);
  $("policy").value = LAYER;
  $("events").value = examples.panel || Object.values(examples)[0] || "";
  if (examples.panel) $("example").value = "panel";

  for (const id of ["policy", "events"]) {
    $(id).addEventListener("input", schedule);
    $(id).addEventListener("scroll", () => { gutterOf($(id)).scrollTop = $(id).scrollTop; });
  }
  for (const id of ["from", "to", "at"]) $(id).addEventListener("input", schedule);
  $("compare").addEventListener("change", schedule);
  $("policy-start").addEventListener("change", (e) => startPolicy(e.target.value));
  $("example").addEventListener("change", (e) => startEvents(e.target.value));
  $("policy-file").addEventListener("change", (e) => readFile(e.target, $("policy")));
  $("events-file").addEventListener("change", (e) => readFile(e.target, $("events")));
  $("format").addEventListener("click", formatInPlace);
  $("download-policy").addEventListener("click", downloadPolicy);
  $("download-scenario").addEventListener("click", downloadScenario);
  $("add-event").addEventListener("submit", addEvent);
  numberLines($("policy"));
  numberLines($("events"));
  await refresh();
}

document.addEventListener("DOMContentLoaded", start);
